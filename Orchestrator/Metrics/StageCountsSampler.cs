using Contracts.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Workflow;

namespace Orchestrator.Metrics;

/// <summary>
/// Refreshes the per-stage and stalled gauges from the database (all replicas' requests, not just ours). Every replica
/// samples, so each one's gauges show the whole system: aggregate replicas with max, not sum.
/// </summary>
public sealed class StageCountsSampler(
    NpgsqlDataSource dataSource,
    OrchestratorMetrics metrics,
    IOptions<WorkflowOptions> workflow,
    TimeProvider time,
    ILogger<StageCountsSampler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                metrics.Update(await SampleAsync(stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Sampling request counts for metrics failed; the gauges keep their last values until Postgres answers again");
            }
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async Task<StageCounts> SampleAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT stage, count(*) FROM requests GROUP BY stage"));
        var stalled = new NpgsqlBatchCommand("SELECT count(*) FROM requests WHERE stage NOT IN ('done', 'regress') AND updated_at < $1");
        stalled.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - workflow.Value.StalledAfter });
        batch.BatchCommands.Add(stalled);

        var perStage = new Dictionary<Stage, long>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (WorkflowNames.TryParseStage(reader.GetString(0), out var stage)) perStage[stage] = reader.GetInt64(1);
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new StageCounts(perStage, reader.GetInt64(0));
    }
}
