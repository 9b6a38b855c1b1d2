using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Orchestrator.Replicas;

/// <summary>
/// Elects one replica to run the background workers that must not run twice at once (the outbox relay, whose
/// per-key order needs one publisher; lease releases; resubmissions): the replica holding a session-level
/// Postgres advisory lock on a dedicated connection. The others wait in <c>pg_advisory_lock</c>, so when the
/// leader dies (its session ends, its lock with it) one of them takes over at once. The leader steps down when
/// its lock connection fails a periodic check. Advisory locks are per database: one leader per Orchestrator database.
/// </summary>
public sealed class ReplicaLeadership(
    NpgsqlDataSource dataSource,
    IOptions<ReplicaOptions> options,
    TimeProvider time,
    ILogger<ReplicaLeadership> logger) : BackgroundService
{
    /// <summary>"ORCHLEAD" in ASCII; the one-key form, apart from the migrator's key and the request store's two-key locks.</summary>
    private const long LockKey = 0x4F5243484C454144;

    /// <summary>"ORCHRLAY": the transaction-level lock that serializes outbox batches.</summary>
    private const long RelayBatchLockKey = 0x4F524348524C4159;

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private TaskCompletionSource<CancellationToken> term = NewTerm();

    public bool IsLeader => Volatile.Read(ref term).Task.IsCompletedSuccessfully;

    /// <summary>
    /// Runs <paramref name="work"/> whenever this replica leads, with a token cancelled when it stops leading; waits
    /// while it does not. Returns when <paramref name="stoppingToken"/> is cancelled.
    /// </summary>
    public async Task WhileLeaderAsync(Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken leading;
            try
            {
                leading = await Volatile.Read(ref term).Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            using var both = CancellationTokenSource.CreateLinkedTokenSource(leading, stoppingToken);
            try
            {
                await work(both.Token);
            }
            catch (OperationCanceledException) when (both.IsCancellationRequested)
            {
            }
            // The term is replaced before its token is cancelled, so the loop then waits for the next one.
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, both.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// Takes the relay's batch lock for <paramref name="transaction"/>: a leader whose lock session ended but who has not
    /// noticed yet (it checks every <see cref="ReplicaOptions.LeaderCheckInterval"/>) publishes its batch before or after
    /// its successor's, never interleaved with it, so per-key order holds even then.
    /// </summary>
    public static async Task FenceRelayBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({RelayBatchLockKey})", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DedicatedConnection.KeepAsync(LeadAsync,
        ex => logger.LogWarning("Orchestrator leadership connection failed: {Error}; trying again in {Delay}. Check that Postgres is reachable.",
            ex.Message, options.Value.ReconnectDelay),
        options.Value.ReconnectDelay, time, stoppingToken);

    /// <summary>Waits for the lock, then holds it while the connection answers; always leaves the term ended.</summary>
    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        await using (var acquire = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection) { CommandTimeout = 0 })
            await acquire.ExecuteNonQueryAsync(stoppingToken);

        // Not disposed: workers may still link to its token after the term ended.
        var lost = new CancellationTokenSource();
        Volatile.Read(ref term).TrySetResult(lost.Token);
        logger.LogInformation("This replica leads the Orchestrator's background workers (outbox relay, lease releases, resubmissions)");
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.LeaderCheckInterval, time, stoppingToken);
                await using var check = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = (int)CheckTimeout.TotalSeconds };
                await check.ExecuteScalarAsync(stoppingToken);
            }
        }
        finally
        {
            Volatile.Write(ref term, NewTerm());
            await lost.CancelAsync();
            logger.LogInformation("This replica no longer leads the Orchestrator's background workers");
            await UnlockQuietlyAsync(connection);
        }
    }

    /// <summary>A pooled connection keeps its session (and the lock) until reused, so release it explicitly when it still works.</summary>
    private async Task UnlockQuietlyAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open) return;
        try
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection) { CommandTimeout = (int)CheckTimeout.TotalSeconds };
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogDebug("Releasing the leadership lock failed ({Error}); the session's end releases it", ex.Message);
        }
    }

    private static TaskCompletionSource<CancellationToken> NewTerm() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
