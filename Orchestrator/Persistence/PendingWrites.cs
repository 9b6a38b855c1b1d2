using Npgsql;

namespace Orchestrator.Persistence;

/// <summary>
/// Writes of one transaction, sent together as one <see cref="NpgsqlBatch"/> (one round trip) when flushed. Flush before
/// any read that must see them. A request update that finds another version than the one it was decided on throws.
/// </summary>
internal sealed class PendingWrites(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private readonly List<NpgsqlBatchCommand> commands = [];
    private readonly List<(NpgsqlBatchCommand Command, string RequestId, long ExpectedVersion)> versioned = [];

    public void Add(NpgsqlBatchCommand command) => commands.Add(command);

    public void AddVersioned(NpgsqlBatchCommand command, string requestId, long expectedVersion)
    {
        commands.Add(command);
        versioned.Add((command, requestId, expectedVersion));
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (commands.Count == 0) return;
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in commands) batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        foreach (var (command, requestId, expectedVersion) in versioned)
        {
            // Only possible if a row was written without the row lock; retrying re-reads it.
            if (command.RecordsAffected != 1)
                throw new InvalidOperationException($"Request {requestId} changed concurrently (expected version {expectedVersion}); the input will be retried.");
        }
        commands.Clear();
        versioned.Clear();
    }
}
