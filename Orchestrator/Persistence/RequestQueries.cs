using Contracts;
using Contracts.Core;
using Npgsql;
using Orchestrator.Workflow;

namespace Orchestrator.Persistence;

/// <summary>The read side: requests, timelines, regression tickets and lease releases for the API and tests.</summary>
public sealed class RequestQueries(NpgsqlDataSource dataSource)
{
    public async Task<RequestState?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RequestRows.Columns} FROM requests WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? RequestRows.Read(reader) : null;
    }

    /// <summary>Requests newest first, optionally in one stage and/or of one repository; <paramref name="page"/> counts from 1.</summary>
    public async Task<RequestPage> ListAsync(Stage? stage, string? repo, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var where = (stage, repo) switch
        {
            (null, null) => "",
            (not null, null) => "WHERE stage = $1",
            (null, not null) => "WHERE repo = $1",
            _ => "WHERE stage = $1 AND repo = $2",
        };
        var select = new NpgsqlBatchCommand(
            $"SELECT {RequestRows.Columns} FROM requests {where} ORDER BY created_at DESC, id DESC LIMIT {pageSize} OFFSET {(long)(page - 1) * pageSize}");
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM requests {where}");
        foreach (var command in new[] { select, count })
        {
            if (stage is { } filter) command.Parameters.Add(new NpgsqlParameter { Value = filter.Name() });
            if (repo is not null) command.Parameters.Add(new NpgsqlParameter { Value = repo });
        }
        batch.BatchCommands.Add(select);
        batch.BatchCommands.Add(count);
        var items = new List<RequestState>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(RequestRows.Read(reader));
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RequestPage(items, page, pageSize, reader.GetInt64(0));
    }

    /// <summary>Timestamp of the last message a code agent sent on commit.result.out for any request (null: never).</summary>
    public async Task<DateTimeOffset?> LastCommitResultAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT max(received_at) FROM inbox WHERE topic = '{Topics.CommitResultOut}'");
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    /// <summary>Timeline entries after <paramref name="afterSeq"/>, oldest first.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string id, long afterSeq, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, at, trigger, from_stage, to_stage, applied, detail, source_topic, source_partition, source_offset, message_id " +
            "FROM history WHERE request_id = $1 AND seq > $2 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = afterSeq });
        var entries = new List<TimelineEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var source = new MessageSource(reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9), reader.IsDBNull(10) ? "" : reader.GetString(10));
            entries.Add(new TimelineEntry(reader.GetInt64(0), new HistoryEntry(
                reader.GetFieldValue<DateTimeOffset>(1), WorkflowNames.ParseTrigger(reader.GetString(2)),
                WorkflowNames.ParseStage(reader.GetString(3)), WorkflowNames.ParseStage(reader.GetString(4)),
                reader.GetBoolean(5), reader.GetString(6), source)));
        }
        return entries;
    }

    /// <summary>Regression tickets raised for the request (as stored in the outbox).</summary>
    public async Task<IReadOnlyList<RegressionTicket>> TicketsAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT payload FROM outbox WHERE key = $1 AND topic = $2 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = Topics.RegressionOut });
        var tickets = new List<RegressionTicket>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tickets.Add(RegressionTicket.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)));
        return tickets;
    }

    public async Task<LeaseReleaseStatus?> LeaseReleaseAsync(string? planId, CancellationToken cancellationToken)
    {
        if (planId is null) return null;
        await using var command = dataSource.CreateCommand(
            "SELECT plan_id, attempts, released_at, released_count, last_error, next_attempt_at, gave_up_at FROM lease_releases WHERE plan_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new LeaseReleaseStatus(reader.GetString(0), reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
    }

    /// <summary>Messages in the outbox not yet published (for tests and diagnostics).</summary>
    public async Task<long> UnpublishedCountAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM outbox WHERE published_at IS NULL");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
