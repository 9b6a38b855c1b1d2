using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Persistence;
using Orchestrator.Replicas;
using Orchestrator.Workflow;

namespace Orchestrator.Leases;

/// <summary>
/// Releases the leases of ended requests' plans (rows of <c>lease_releases</c>, written in the same
/// transaction as the final transition), retrying transient failures with back-off until Srm answers. A
/// permanent refusal (<see cref="ReleaseFailure"/>) is not retried: it is noted on the request's timeline.
/// Once a plan's leases are free, requests that were BLOCKED by that plan are submitted again at once.
/// Only the leading replica (<see cref="ReplicaLeadership"/>) releases, so Srm is asked once per plan.
/// </summary>
public sealed class LeaseReleaseWorker(
    NpgsqlDataSource dataSource,
    ILeaseReleaser releaser,
    RequestStore store,
    OrchestratorSignals signals,
    ReplicaLeadership leadership,
    IOptions<LeaseReleaseOptions> options,
    TimeProvider time,
    ILogger<LeaseReleaseWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.WhileLeaderAsync(ReleaseLoopAsync, stoppingToken);

    private async Task ReleaseLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = signals.NextCommit;
            try
            {
                await ReleaseDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Processing lease releases failed; retrying. Check that Postgres is reachable.");
            }
            await OrchestratorSignals.WaitAsync(signal, options.Value.PollInterval, stoppingToken);
        }
    }

    /// <summary>Tries every due release once; returns how many succeeded.</summary>
    public async Task<int> ReleaseDueAsync(CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var (planId, requestId, attempts) in await DueAsync(cancellationToken))
        {
            int count;
            try
            {
                count = await releaser.ReleasePlanAsync(planId, cancellationToken);
            }
            catch (Exception ex) when (ReleaseFailure.IsPermanent(ex))
            {
                logger.LogError("Srm refused to release the leases of plan {PlanId} (request {RequestId}): {Error}; not retrying, the leases expire at their TTL.",
                    planId, requestId, ex.Message);
                // The note first, so a release marked given up always has its note; a crash in between notes it again,
                // which the note's message id dedupes.
                await store.NoteAsync(requestId, Trigger.ReleaseFail,
                    $"Srm refused to release the leases of plan '{planId}': {ex.Message}. Not retried; they expire at their TTL.",
                    MessageSource.Scheduler($"release-fail:{planId}"), cancellationToken);
                await RecordGaveUpAsync(planId, ex.Message, cancellationToken);
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(attempts + 1);
                logger.LogWarning("Releasing the leases of plan {PlanId} (request {RequestId}) failed on attempt {Attempt}: {Error}; retrying in {Delay}. Check that Srm (services__srm__http__0) is reachable.",
                    planId, requestId, attempts + 1, ex.Message, delay);
                await RecordFailureAsync(planId, ex.Message, delay, cancellationToken);
                continue;
            }
            await RecordSuccessAsync(planId, count, cancellationToken);
            released++;
            logger.LogInformation("Released {Count} lease(s) of plan {PlanId} (request {RequestId})", count, planId, requestId);
            foreach (var blocked in await store.BlockedByAsync(planId, cancellationToken))
                await store.ResubmitAsync(blocked, $"conflicting plan {planId} ended and released its leases", onlyWhenDue: false, cancellationToken);
        }
        return released;
    }

    private TimeSpan Backoff(int attempt)
    {
        var settings = options.Value;
        var ticks = settings.RetryDelay.Ticks * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, settings.MaxRetryDelay.Ticks));
    }

    private async Task<List<(string PlanId, string RequestId, int Attempts)>> DueAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT plan_id, request_id, attempts FROM lease_releases WHERE released_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.BatchSize });
        var due = new List<(string, string, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) due.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        return due;
    }

    private async Task RecordFailureAsync(string planId, string error, TimeSpan delay, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE lease_releases SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE plan_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        command.Parameters.Add(new NpgsqlParameter { Value = error.Length > 1000 ? error[..1000] : error });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() + delay });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task RecordGaveUpAsync(string planId, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE lease_releases SET attempts = attempts + 1, last_error = $2, gave_up_at = $3 WHERE plan_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        command.Parameters.Add(new NpgsqlParameter { Value = error.Length > 1000 ? error[..1000] : error });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task RecordSuccessAsync(string planId, int count, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE lease_releases SET attempts = attempts + 1, released_at = $2, released_count = $3, last_error = NULL WHERE plan_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
