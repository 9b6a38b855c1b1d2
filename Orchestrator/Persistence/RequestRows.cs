using Contracts.Core;
using Npgsql;
using Orchestrator.Workflow;

namespace Orchestrator.Persistence;

/// <summary>Mapping between <see cref="RequestState"/> and the <c>requests</c> table.</summary>
internal static class RequestRows
{
    public const string Columns =
        "id, stage, repo, branch, description, requester, attempts, plan_id, plan, pending_tasks, blocked_by, resubmit_at, created_at, updated_at, version, review, retry_of";

    public static RequestState Read(NpgsqlDataReader reader) => new(
        Id: reader.GetString(0),
        Stage: WorkflowNames.ParseStage(reader.GetString(1)),
        Repo: reader.GetString(2),
        Branch: reader.GetString(3),
        Description: reader.GetString(4),
        Requester: reader.GetString(5),
        Attempts: reader.GetInt32(6),
        PlanId: reader.IsDBNull(7) ? null : reader.GetString(7),
        Plan: reader.IsDBNull(8) ? null : Plan.Parser.ParseFrom(reader.GetFieldValue<byte[]>(8)),
        PendingTasks: reader.GetFieldValue<string[]>(9),
        ResubmitAt: reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
        BlockedBy: reader.GetFieldValue<string[]>(10),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(12),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(13),
        Version: reader.GetInt64(14))
    {
        Review = reader.GetBoolean(15),
        RetryOf = reader.IsDBNull(16) ? null : reader.GetString(16),
    };

    public static NpgsqlBatchCommand Insert(RequestState state) => Command(
        $"INSERT INTO requests ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        state, state.Version);

    /// <summary>Writes <paramref name="state"/> when the stored row still has <paramref name="expectedVersion"/>.</summary>
    public static NpgsqlBatchCommand Update(RequestState state, long expectedVersion)
    {
        var command = Command(
            "UPDATE requests SET stage = $2, repo = $3, branch = $4, description = $5, requester = $6, attempts = $7, plan_id = $8, " +
            "plan = $9, pending_tasks = $10, blocked_by = $11, resubmit_at = $12, created_at = $13, updated_at = $14, version = $15, " +
            "review = $16, retry_of = $17 WHERE id = $1 AND version = $18",
            state, state.Version);
        command.Parameters.Add(new NpgsqlParameter { Value = expectedVersion });
        return command;
    }

    private static NpgsqlBatchCommand Command(string sql, RequestState state, long version)
    {
        var command = new NpgsqlBatchCommand(sql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = state.Id });
        p.Add(new NpgsqlParameter { Value = state.Stage.Name() });
        p.Add(new NpgsqlParameter { Value = state.Repo });
        p.Add(new NpgsqlParameter { Value = state.Branch });
        p.Add(new NpgsqlParameter { Value = state.Description });
        p.Add(new NpgsqlParameter { Value = state.Requester });
        p.Add(new NpgsqlParameter { Value = state.Attempts });
        p.Add(new NpgsqlParameter { Value = (object?)state.PlanId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = (object?)state.Plan?.ToByteArrayOrNull() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        p.Add(new NpgsqlParameter { Value = state.PendingTasks.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = state.BlockedBy.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = (object?)state.ResubmitAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = state.CreatedAt });
        p.Add(new NpgsqlParameter { Value = state.UpdatedAt });
        p.Add(new NpgsqlParameter { Value = version });
        p.Add(new NpgsqlParameter { Value = state.Review });
        p.Add(new NpgsqlParameter { Value = (object?)state.RetryOf ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return command;
    }

    private static byte[]? ToByteArrayOrNull(this Plan plan) => Google.Protobuf.MessageExtensions.ToByteArray(plan);
}
