using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Persistence;
using Orchestrator.Replicas;

namespace Orchestrator.Messaging;

/// <summary>
/// Publishes committed outbox rows in commit order and marks them published. A crash after publishing and
/// before marking publishes the rows again with the same message ids, which consumers' inboxes reject;
/// rows never published before a crash are published after the restart. Only the leading replica
/// (<see cref="ReplicaLeadership"/>) relays, so one publisher keeps each key's rows in commit order.
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource dataSource,
    IOutboxPublisher publisher,
    OrchestratorSignals signals,
    ReplicaLeadership leadership,
    IOptions<OutboxRelayOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.WhileLeaderAsync(RelayAsync, stoppingToken);

    private async Task RelayAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            var signal = signals.NextOutbox;
            try
            {
                var published = await PublishBatchAsync(stoppingToken);
                backoff = TimeSpan.FromMilliseconds(200);
                if (published >= settings.BatchSize) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Publishing the outbox failed; retrying in {Delay}. Check that Kafka (ConnectionStrings__kafka) and Postgres are reachable.", backoff);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxErrorBackoff.Ticks));
                continue;
            }
            await OrchestratorSignals.WaitAsync(signal, settings.PollInterval, stoppingToken);
        }
    }

    /// <summary>Publishes up to one batch of unpublished rows; returns how many were published.</summary>
    public async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ReplicaLeadership.FenceRelayBatchAsync(connection, transaction, cancellationToken);
        var rows = new List<OutboxRecord>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, topic, key, payload, message_type, message_id, traceparent FROM outbox " +
            "WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = options.Value.BatchSize });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new OutboxRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3),
                    reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }
        if (rows.Count == 0) return 0;

        // Produce calls are queued in row order, so per-key (per-partition) order is kept.
        await Task.WhenAll(rows.Select(row => publisher.PublishAsync(row, cancellationToken)).ToList());

        await using (var update = new NpgsqlCommand("UPDATE outbox SET published_at = now() WHERE id = ANY($1)", connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Id).ToArray() });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogDebug("Published {Count} outbox message(s)", rows.Count);
        return rows.Count;
    }
}
