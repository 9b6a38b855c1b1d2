using System.Diagnostics;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orchestrator.Metrics;
using Orchestrator.Workflow;

namespace Orchestrator.Persistence;

/// <summary>
/// The write side: every input (a consumed message, an HTTP submission, a resubmission) is decided by
/// <see cref="RequestWorkflow"/> and written in ONE transaction: inbox row, request state, history and
/// outbox rows (and a pending lease release when the request ended). The row lock on the request
/// serializes inputs for the same request across consumers, HTTP and background workers.
/// </summary>
public sealed class RequestStore(
    NpgsqlDataSource dataSource,
    RequestWorkflow workflow,
    OrchestratorSignals signals,
    OrchestratorMetrics metrics,
    TimeProvider time,
    ILogger<RequestStore> logger)
{
    /// <summary>Topics the Orchestrator publishes to and also consumes: its own messages come back on them.</summary>
    private static readonly HashSet<string> OwnTopics =
        [Topics.ChangeRequestIn, Topics.DeepPlanIn, Topics.CodeTaskOut, Topics.RegressionOut];

    /// <summary>First key of the advisory lock taken on a request id that has no row yet.</summary>
    private const int UnknownRequestLockClass = 0x4F524351; // "ORCQ"

    /// <summary>
    /// Applies consumed messages in order in ONE transaction (group commit), each unless its identity is already in the
    /// inbox or earlier in the batch. Three round trips for the common case: claim the inbox rows, see which are our own
    /// messages and lock the requests; write every decision; commit. An invalid message is reported in its result (its
    /// refusal is on the timeline, or, when it could not be decided at all, its inbox row is given back) and does not
    /// affect the others. Any other failure throws and rolls back the whole batch.
    /// </summary>
    public async Task<IReadOnlyList<ApplyResult>> ApplyBatchAsync(IReadOnlyList<ConsumedInput> inputs, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var results = new ApplyResult[inputs.Count];
        var fresh = new List<int>();
        var seen = new HashSet<string>();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (seen.Add(inputs[i].Source.MessageId)) fresh.Add(i);
            else results[i] = new ApplyResult(ApplyOutcome.Duplicate);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (claimed, own, states) = await ClaimAndLockAsync(connection, transaction, [.. fresh.Select(i => inputs[i])], cancellationToken);

        var writes = new PendingWrites(connection, transaction);
        var written = new List<(RequestState State, Decision Decision)>();
        var now = time.GetUtcNow();
        foreach (var i in fresh)
        {
            var (requestId, message, source, traceParent) = inputs[i];
            if (!claimed.Contains(source.MessageId))
            {
                metrics.Duplicate(source.Topic);
                logger.LogDebug("Duplicate {MessageId} from {Source} ignored (already in the inbox)", source.MessageId, source);
                results[i] = new ApplyResult(ApplyOutcome.Duplicate);
                continue;
            }
            if (own.Contains(source.MessageId))
            {
                results[i] = new ApplyResult(ApplyOutcome.OwnMessage);
                continue;
            }
            if (!states.TryGetValue(requestId, out var current))
            {
                // No row to lock yet: serialize "park a plan" with "create the request" so neither misses the other.
                await writes.FlushAsync(cancellationToken);
                await LockUnknownRequestAsync(connection, transaction, requestId, cancellationToken);
                current = await LoadForUpdateAsync(connection, transaction, requestId, cancellationToken);
            }
            Decision decision;
            try
            {
                decision = workflow.Decide(current, message, source);
            }
            catch (InvalidMessageException ex)
            {
                writes.Add(InboxDelete(source.MessageId)); // as if it had never been seen: it is dead-lettered
                results[i] = new ApplyResult(ApplyOutcome.NoEffect, ex.Message);
                continue;
            }
            if (decision.State is null && message is Plan plan)
            {
                writes.Add(ParkedPlanInsert(requestId, plan, source));
                logger.LogInformation("Plan {PlanId} from {Source} arrived before its change request {RequestId}; parked until the request arrives",
                    plan.Id, source, requestId);
                results[i] = new ApplyResult(ApplyOutcome.Parked);
                continue;
            }
            if (decision.State is null)
            {
                logger.LogWarning("{MessageType} {MessageId} from {Source} names request {RequestId}, which this Orchestrator does not know; it was recorded and skipped. Submit the request first (POST /api/change-requests or change.request.in).",
                    message.Descriptor.Name, source.MessageId, source, requestId);
                results[i] = new ApplyResult(ApplyOutcome.UnknownRequest);
                continue;
            }
            if (decision.Created)
            {
                await writes.FlushAsync(cancellationToken);
                decision = await ApplyParkedPlansAsync(connection, transaction, decision, cancellationToken);
            }
            if (!decision.HasEffects)
            {
                results[i] = new ApplyResult(ApplyOutcome.NoEffect, decision.Refusal);
                continue;
            }
            var state = AddWrites(writes, current, decision, [], traceParent ?? CurrentTraceParent(), now);
            states[requestId] = state;
            written.Add((state, decision));
            // A refusal's reason is on the request's timeline now; the caller dead-letters the input.
            results[i] = new ApplyResult(ApplyOutcome.Applied, decision.Refusal);
        }
        await writes.FlushAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        signals.Committed(wroteOutbox: written.Any(w => w.Decision.Outbox.Count > 0));
        Recorded(written, started);
        return results;
    }

    /// <summary>
    /// One round trip: inserts the inbox rows (those already there are not claimed), finds which inputs are our own
    /// messages coming back, and locks the named requests in id order, so concurrent batches never deadlock on them.
    /// </summary>
    private static async Task<(HashSet<string> Claimed, HashSet<string> Own, Dictionary<string, RequestState?> States)> ClaimAndLockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ConsumedInput> inputs, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var claim = new NpgsqlBatchCommand(
            "INSERT INTO inbox (message_id, topic, partition, \"offset\", request_id, received_at) " +
            "SELECT m, t, p, o, r, now() FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[]) AS i (m, t, p, o, r) " +
            "ON CONFLICT (message_id) DO NOTHING RETURNING message_id");
        claim.Parameters.Add(new NpgsqlParameter { Value = inputs.Select(i => i.Source.MessageId).ToArray() });
        claim.Parameters.Add(new NpgsqlParameter { Value = inputs.Select(i => i.Source.Topic).ToArray() });
        claim.Parameters.Add(new NpgsqlParameter { Value = inputs.Select(i => i.Source.Partition ?? -1).ToArray() });
        claim.Parameters.Add(new NpgsqlParameter { Value = inputs.Select(i => i.Source.Offset ?? -1).ToArray() });
        claim.Parameters.Add(new NpgsqlParameter { Value = inputs.Select(i => i.RequestId).ToArray() });
        batch.BatchCommands.Add(claim);
        var own = new NpgsqlBatchCommand("SELECT message_id FROM outbox WHERE message_id = ANY($1)");
        own.Parameters.Add(new NpgsqlParameter { Value = inputs.Where(i => OwnTopics.Contains(i.Source.Topic)).Select(i => i.Source.MessageId).ToArray() });
        batch.BatchCommands.Add(own);
        var requestIds = inputs.Select(i => i.RequestId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var lockRows = new NpgsqlBatchCommand($"SELECT {RequestRows.Columns} FROM requests WHERE id = ANY($1) ORDER BY id FOR UPDATE");
        lockRows.Parameters.Add(new NpgsqlParameter { Value = requestIds });
        batch.BatchCommands.Add(lockRows);

        var claimed = new HashSet<string>();
        var ownIds = new HashSet<string>();
        var states = new Dictionary<string, RequestState?>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) claimed.Add(reader.GetString(0));
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ownIds.Add(reader.GetString(0));
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = RequestRows.Read(reader);
            states[state.Id] = state;
        }
        return (claimed, ownIds, states);
    }

    /// <summary>
    /// A submission through the HTTP front door: creates the request, applies crq (so a plan that
    /// overtakes our own change.request.in record still finds the request in plan_phase) and queues the
    /// ChangeRequest for change.request.in, all in one transaction. With an idempotency key, the key is
    /// recorded in the same transaction; a key seen before returns its request instead (or a conflict
    /// when the body differs), and two concurrent submissions with one key create one request.
    /// </summary>
    public async Task<SubmitOutcome> SubmitAsync(ChangeRequest request, Submission submission, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var source = MessageSource.Http(request.Id);
        var decision = workflow.Decide(null, request, source);
        decision = decision with { State = decision.State! with { Review = submission.Review, RetryOf = submission.RetryOf } };
        if (submission.IndexNote is { } note)
            decision = decision with { History = [new HistoryEntry(decision.History[0].At, Trigger.Index, Stage.Idle, Stage.Idle, false, note, source), .. decision.History] };
        OutboundMessage queued = new(Topics.ChangeRequestIn, request.Id, request, MessageId: request.Id);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (submission.Idempotency is { } key && await IdempotentReplayAsync(connection, transaction, key, cancellationToken) is { } replay)
            return replay;
        var extra = submission.Idempotency is { } k ? IdempotencyInsert(k, request.Id, time.GetUtcNow()) : null;
        var outcome = await WriteAndCommitAsync(connection, transaction, null, decision, [queued], started, cancellationToken, extra);
        if (outcome == ApplyOutcome.Applied) return new SubmitOutcome(request.Id, Replayed: false, Conflict: false);

        // Another submission with this key committed between our check and our insert: answer as a replay of it.
        await using var again = await connection.BeginTransactionAsync(cancellationToken);
        return await IdempotentReplayAsync(connection, again, submission.Idempotency!, cancellationToken)
            ?? throw new InvalidOperationException("The idempotency key was taken but its row is gone.");
    }

    /// <summary>
    /// Decides a person's action (cancel, approve, edit, reject) on <paramref name="requestId"/> under its row lock and writes
    /// it when it applied a transition. Null when the request does not exist; otherwise the stage it was in and the decision.
    /// </summary>
    public async Task<(RequestState Before, Decision Decision)?> ActAsync(string requestId, Func<RequestState, Decision> decide,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await LoadForUpdateAsync(connection, transaction, requestId, cancellationToken);
        if (current is null) return null;
        var decision = decide(current);
        if (!decision.History.Any(h => h.Applied))
        {
            await transaction.RollbackAsync(cancellationToken); // refused: the caller answers 409, nothing is recorded
            return (current, decision);
        }
        await WriteAndCommitAsync(connection, transaction, current, decision, [], started, cancellationToken);
        return (current, decision);
    }

    /// <summary>Resubmits a BLOCKED request whose back-off elapsed or whose conflicting plan ended; no-op otherwise.</summary>
    public async Task<ApplyOutcome> ResubmitAsync(string requestId, string reason, bool onlyWhenDue, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await LoadForUpdateAsync(connection, transaction, requestId, cancellationToken);
        if (current is null || !RequestWorkflow.IsWaitingToResubmit(current) || (onlyWhenDue && current.ResubmitAt > time.GetUtcNow()))
        {
            await transaction.RollbackAsync(cancellationToken);
            return ApplyOutcome.NoEffect;
        }
        // Deterministic id: the resubmission of attempt N is the same message however often it is decided.
        var source = MessageSource.Scheduler($"resubmit:{requestId}:{current.Attempts + 1}");
        var decision = workflow.Resubmit(current, reason, source);
        return await WriteAndCommitAsync(connection, transaction, current, decision, [], started, cancellationToken);
    }

    /// <summary>A timeline entry that leaves the request where it is (recorded as not applied, in its current stage).</summary>
    public async Task NoteAsync(string requestId, Trigger trigger, string detail, MessageSource source, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO history (request_id, at, trigger, from_stage, to_stage, applied, source_topic, message_id, detail) " +
            "SELECT id, $2, $3, stage, stage, false, $4, $5, $6 FROM requests WHERE id = $1");
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = requestId });
        p.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        p.Add(new NpgsqlParameter { Value = trigger.Name() });
        p.Add(new NpgsqlParameter { Value = source.Topic });
        p.Add(new NpgsqlParameter { Value = source.MessageId });
        p.Add(new NpgsqlParameter { Value = detail });
        await command.ExecuteNonQueryAsync(cancellationToken);
        signals.Committed(wroteOutbox: false);
    }

    /// <summary>Requests waiting to be resubmitted because <paramref name="planId"/> held leases they needed.</summary>
    public async Task<IReadOnlyList<string>> BlockedByAsync(string planId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id FROM requests WHERE resubmit_at IS NOT NULL AND blocked_by @> ARRAY[$1]::text[] ORDER BY created_at");
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>Requests whose resubmission back-off has elapsed.</summary>
    public async Task<IReadOnlyList<string>> DueForResubmissionAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id FROM requests WHERE resubmit_at IS NOT NULL AND resubmit_at <= $1 ORDER BY resubmit_at LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>Writes a decision and commits; with <paramref name="claim"/> (a command that must affect one row), rolls back and returns NoEffect when it affects none.</summary>
    private async Task<ApplyOutcome> WriteAndCommitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        RequestState? current, Decision decision, IReadOnlyList<OutboundMessage> extraOutbox, long started, CancellationToken cancellationToken,
        NpgsqlBatchCommand? claim = null)
    {
        var outbox = extraOutbox.Concat(decision.Outbox).ToList();
        if (!decision.HasEffects && outbox.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken); // keeps the inbox row
            return ApplyOutcome.NoEffect;
        }

        var writes = new PendingWrites(connection, transaction);
        var state = AddWrites(writes, current, decision, extraOutbox, CurrentTraceParent(), time.GetUtcNow());
        if (claim is not null) writes.Add(claim);
        await writes.FlushAsync(cancellationToken);
        if (claim is not null && claim.RecordsAffected != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return ApplyOutcome.NoEffect;
        }
        await transaction.CommitAsync(cancellationToken);

        signals.Committed(wroteOutbox: outbox.Count > 0);
        Recorded([(state, decision)], started);
        return ApplyOutcome.Applied;
    }

    /// <summary>Queues the writes of one decision (request row, history, outbox, lease release, correlations); returns the new state.</summary>
    private static RequestState AddWrites(PendingWrites writes, RequestState? current, Decision decision, IReadOnlyList<OutboundMessage> extraOutbox,
        string? traceParent, DateTimeOffset now)
    {
        var state = decision.State! with { Version = (current?.Version ?? 0) + 1 };
        if (current is null) writes.Add(RequestRows.Insert(state));
        else writes.AddVersioned(RequestRows.Update(state, current.Version), state.Id, current.Version);
        foreach (var entry in decision.History) writes.Add(HistoryInsert(state.Id, entry));
        foreach (var message in extraOutbox.Concat(decision.Outbox)) writes.Add(OutboxInsert(message, traceParent, now));
        if (decision.ReleasePlanId is { } planId) writes.Add(LeaseReleaseInsert(planId, state.Id, now));
        foreach (var correlation in decision.Correlations) writes.Add(CorrelationUpsert(correlation, state.Id));
        return state;
    }

    private static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    private void Recorded(IReadOnlyList<(RequestState State, Decision Decision)> written, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var (state, decision) in written)
        {
            foreach (var entry in decision.History) metrics.Recorded(entry, elapsed);
            foreach (var entry in decision.History.Where(e => e.Applied))
            {
                logger.LogInformation("Request {RequestId}: {Trigger} {From} -> {To} ({Source})",
                    state.Id, entry.Trigger.Name(), entry.From.Name(), entry.To.Name(), entry.Source);
            }
        }
    }

    private static NpgsqlBatchCommand InboxDelete(string messageId)
    {
        var command = new NpgsqlBatchCommand("DELETE FROM inbox WHERE message_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = messageId });
        return command;
    }

    private static async Task LockUnknownRequestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string requestId, CancellationToken cancellationToken)
    {
        // The two-key form lives apart from the migrator's one-key advisory lock.
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({UnknownRequestLockClass}, hashtext($1))", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand ParkedPlanInsert(string requestId, Plan plan, MessageSource source)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO parked_plans (request_id, payload, topic, partition, \"offset\", message_id, parked_at) VALUES ($1, $2, $3, $4, $5, $6, now())");
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = requestId });
        p.Add(new NpgsqlParameter { Value = plan.ToByteArray() });
        p.Add(new NpgsqlParameter { Value = source.Topic });
        p.Add(new NpgsqlParameter { Value = (object?)source.Partition ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = (object?)source.Offset ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = source.MessageId });
        return command;
    }

    /// <summary>Decides the plans parked for a request just created, in arrival order, on top of its creation.</summary>
    private async Task<Decision> ApplyParkedPlansAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Decision created, CancellationToken cancellationToken)
    {
        var parked = new List<(long Seq, Plan Plan, MessageSource Source)>();
        await using (var command = new NpgsqlCommand(
            "DELETE FROM parked_plans WHERE request_id = $1 RETURNING seq, payload, topic, partition, \"offset\", message_id", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = created.State!.Id });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                parked.Add((reader.GetInt64(0), Plan.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1)), new MessageSource(reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetString(5))));
            }
        }
        var decision = created;
        foreach (var (_, plan, source) in parked.OrderBy(p => p.Seq))
            decision = decision.Then(workflow.Decide(decision.State, plan, source));
        return decision;
    }

    private static async Task<RequestState?> LoadForUpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string requestId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {RequestRows.Columns} FROM requests WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? RequestRows.Read(reader) : null;
    }

    private static NpgsqlBatchCommand HistoryInsert(string requestId, HistoryEntry entry)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO history (request_id, at, trigger, from_stage, to_stage, applied, source_topic, source_partition, source_offset, message_id, detail) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = requestId });
        p.Add(new NpgsqlParameter { Value = entry.At });
        p.Add(new NpgsqlParameter { Value = entry.Trigger.Name() });
        p.Add(new NpgsqlParameter { Value = entry.From.Name() });
        p.Add(new NpgsqlParameter { Value = entry.To.Name() });
        p.Add(new NpgsqlParameter { Value = entry.Applied });
        p.Add(new NpgsqlParameter { Value = entry.Source.Topic });
        p.Add(new NpgsqlParameter { Value = (object?)entry.Source.Partition ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        p.Add(new NpgsqlParameter { Value = (object?)entry.Source.Offset ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        p.Add(new NpgsqlParameter { Value = entry.Source.MessageId });
        p.Add(new NpgsqlParameter { Value = entry.Detail });
        return command;
    }

    private static NpgsqlBatchCommand OutboxInsert(OutboundMessage message, string? traceParent, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO outbox (topic, key, payload, message_type, message_id, traceparent, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = message.Topic });
        p.Add(new NpgsqlParameter { Value = message.Key });
        p.Add(new NpgsqlParameter { Value = message.Message.ToByteArray() });
        p.Add(new NpgsqlParameter { Value = message.Message.Descriptor.FullName });
        p.Add(new NpgsqlParameter { Value = message.MessageId });
        p.Add(new NpgsqlParameter { Value = (object?)traceParent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = now });
        return command;
    }

    /// <summary>Queues a release of the plan's leases; a plan released before (its request ended, then a late plan reserved again) is released again.</summary>
    /// <summary>
    /// The request a seed-style message belongs to, found by the ids it carries (<paramref name="candidates"/>, best
    /// first), or null when none is known.
    /// </summary>
    public async Task<string?> CorrelatedRequestAsync(IReadOnlyList<Correlation> candidates, CancellationToken cancellationToken)
    {
        foreach (var candidate in candidates.Where(c => c.Value.Length > 0))
        {
            await using var command = dataSource.CreateCommand("SELECT request_id FROM correlations WHERE kind = $1 AND value = $2");
            command.Parameters.Add(new NpgsqlParameter { Value = candidate.KindName });
            command.Parameters.Add(new NpgsqlParameter { Value = candidate.Value });
            if (await command.ExecuteScalarAsync(cancellationToken) is string requestId) return requestId;
        }
        return null;
    }

    /// <summary>The latest request to name an id owns it (a sha or spec id reused later belongs to the newer request).</summary>
    private static NpgsqlBatchCommand CorrelationUpsert(Correlation correlation, string requestId)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO correlations (kind, value, request_id) VALUES ($1, $2, $3) ON CONFLICT (kind, value) DO UPDATE SET request_id = EXCLUDED.request_id");
        command.Parameters.Add(new NpgsqlParameter { Value = correlation.KindName });
        command.Parameters.Add(new NpgsqlParameter { Value = correlation.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        return command;
    }

    private static NpgsqlBatchCommand LeaseReleaseInsert(string planId, string requestId, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO lease_releases (plan_id, request_id, created_at, next_attempt_at) VALUES ($1, $2, $3, $3) ON CONFLICT (plan_id) DO UPDATE " +
            "SET released_at = NULL, released_count = NULL, last_error = NULL, gave_up_at = NULL, attempts = 0, next_attempt_at = $3 " +
            "WHERE lease_releases.released_at IS NOT NULL OR lease_releases.gave_up_at IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return command;
    }

    private static async Task<SubmitOutcome?> IdempotentReplayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IdempotencyKey key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT request_id, fingerprint FROM idempotency_keys WHERE key = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = key.Key });
        SubmitOutcome? outcome = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
                outcome = new SubmitOutcome(reader.GetString(0), Replayed: true, Conflict: reader.GetString(1) != key.Fingerprint);
        }
        if (outcome is not null) await transaction.RollbackAsync(cancellationToken);
        return outcome;
    }

    private static NpgsqlBatchCommand IdempotencyInsert(IdempotencyKey key, string requestId, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO idempotency_keys (key, request_id, fingerprint, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = key.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        command.Parameters.Add(new NpgsqlParameter { Value = key.Fingerprint });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        return command;
    }
}
