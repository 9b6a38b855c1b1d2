using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Persistence;

namespace Orchestrator.Replicas;

/// <summary>
/// Announces this replica's commits to the others with Postgres <c>NOTIFY</c>, right after they commit. One
/// notification at a time, covering every commit since the previous one: a NOTIFY inside each committing transaction
/// would take Postgres's global notify lock through every commit's WAL flush and serialize all commits.
/// A notification lost with a crash between commit and NOTIFY costs the others one polling interval, nothing more.
/// </summary>
public sealed class CommitNotifier(
    NpgsqlDataSource dataSource,
    OrchestratorSignals signals,
    IOptions<ReplicaOptions> options,
    TimeProvider time,
    ILogger<CommitNotifier> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the flags, so a commit after TakeUnannounced completes it and is announced next round.
            var next = signals.NextLocalCommit;
            if (signals.TakeUnannounced() is not { } wroteOutbox)
            {
                await OrchestratorSignals.WaitAsync(next, Timeout.InfiniteTimeSpan, stoppingToken);
                continue;
            }
            try
            {
                await NotifyAsync(new CommitAnnouncement(signals.ReplicaId, wroteOutbox), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The others still poll; announce again once Postgres answers.
                logger.LogWarning("Announcing commits to the other Orchestrator replicas failed: {Error}; retrying in {Delay}", ex.Message, options.Value.ReconnectDelay);
                signals.Unannounced(wroteOutbox);
                try
                {
                    await Task.Delay(options.Value.ReconnectDelay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task NotifyAsync(CommitAnnouncement announcement, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = CommitAnnouncement.Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = announcement.ToPayload() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
