using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Persistence;

namespace Orchestrator.Replicas;

/// <summary>
/// <c>LISTEN</c>s on a dedicated connection for the other replicas' commit announcements and wakes this replica's
/// waiters (event streams, the relay when this replica leads). Reconnects when the connection fails, and wakes
/// everything once after (re)connecting: announcements sent while it was not listening are gone.
/// </summary>
public sealed class CommitListener(
    NpgsqlDataSource dataSource,
    OrchestratorSignals signals,
    IOptions<ReplicaOptions> options,
    TimeProvider time,
    ILogger<CommitListener> logger) : BackgroundService
{
    /// <summary>How long to wait for a notification before checking that the connection still answers.</summary>
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(15);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DedicatedConnection.KeepAsync(ListenAsync,
        ex => logger.LogWarning("Listening for the other Orchestrator replicas' commits failed: {Error}; reconnecting in {Delay} (event streams poll meanwhile)",
            ex.Message, options.Value.ReconnectDelay),
        options.Value.ReconnectDelay, time, stoppingToken);

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            if (CommitAnnouncement.Parse(e.Payload) is { } announcement && announcement.ReplicaId != signals.ReplicaId)
                signals.CommittedElsewhere(announcement.WroteOutbox);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {CommitAnnouncement.Channel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        signals.CommittedElsewhere(wroteOutbox: true);
        logger.LogDebug("Listening for the other Orchestrator replicas' commits on {Channel}", CommitAnnouncement.Channel);
        while (true)
        {
            if (await connection.WaitAsync(IdleCheck, stoppingToken)) continue;
            await using var check = new NpgsqlCommand("SELECT 1", connection);
            await check.ExecuteNonQueryAsync(stoppingToken);
        }
    }
}
