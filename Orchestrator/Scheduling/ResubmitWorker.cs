using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Persistence;
using Orchestrator.Replicas;

namespace Orchestrator.Scheduling;

/// <summary>
/// Submits BLOCKED requests again once their back-off elapsed (the state lives in Postgres, so restarts lose no timer).
/// Only the leading replica (<see cref="ReplicaLeadership"/>) looks; the row lock and the due check would also make a
/// second one harmless, but it would only repeat the query.
/// </summary>
public sealed class ResubmitWorker(
    RequestStore store,
    ReplicaLeadership leadership,
    IOptions<ResubmitOptions> options,
    TimeProvider time,
    ILogger<ResubmitWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.WhileLeaderAsync(ResubmitLoopAsync, stoppingToken);

    private async Task ResubmitLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ResubmitDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Resubmitting blocked requests failed; retrying. Check that Postgres is reachable.");
            }
            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async Task<int> ResubmitDueAsync(CancellationToken cancellationToken)
    {
        var resubmitted = 0;
        foreach (var id in await store.DueForResubmissionAsync(options.Value.BatchSize, cancellationToken))
        {
            if (await store.ResubmitAsync(id, "back-off elapsed", onlyWhenDue: true, cancellationToken) == ApplyOutcome.Applied)
                resubmitted++;
        }
        return resubmitted;
    }
}
