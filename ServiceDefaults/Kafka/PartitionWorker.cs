using System.Threading.Channels;
using Confluent.Kafka;

namespace ServiceDefaults.Kafka;

/// <summary>
/// Handles one assigned partition's records in offset order on a task of its own, in batches of what has arrived
/// (at most <paramref name="maxBatchSize"/>), so partitions proceed in parallel and per-key order holds. After a batch
/// <paramref name="processBatch"/> says how many of its records (a prefix) are finished; their last offset is stored.
/// </summary>
internal sealed class PartitionWorker
{
    private readonly Channel<ConsumeResult<byte[], byte[]>> queue;
    private readonly CancellationTokenSource revoked = new();
    private readonly Task run;

    public PartitionWorker(int maxBatchSize,
        Func<IReadOnlyList<ConsumeResult<byte[], byte[]>>, CancellationToken, Task<int>> processBatch,
        Action<ConsumeResult<byte[], byte[]>> storeOffset,
        CancellationToken stoppingToken)
    {
        // Unbounded: the consume loop pauses the partition when too much is queued (see KafkaConsumerLoop), and never waits here.
        queue = Channel.CreateUnbounded<ConsumeResult<byte[], byte[]>>();
        run = Task.Run(() => RunAsync(maxBatchSize, processBatch, storeOffset, stoppingToken), CancellationToken.None);
    }

    /// <summary>Records queued and not yet taken into a batch.</summary>
    public int Queued => queue.Reader.Count;

    /// <summary>Queues a record (dropped when the worker was stopped: the partition's next owner receives it).</summary>
    public void Enqueue(ConsumeResult<byte[], byte[]> record) => queue.Writer.TryWrite(record);

    /// <summary>
    /// Stops taking records: the batch in flight finishes and its offsets are stored (unless the host is stopping);
    /// queued records are dropped, so the partition's next owner receives them from the committed offset.
    /// </summary>
    public Task StopAsync()
    {
        revoked.Cancel();
        queue.Writer.TryComplete();
        return run;
    }

    private async Task RunAsync(int maxBatchSize,
        Func<IReadOnlyList<ConsumeResult<byte[], byte[]>>, CancellationToken, Task<int>> processBatch,
        Action<ConsumeResult<byte[], byte[]>> storeOffset,
        CancellationToken stoppingToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(revoked.Token, stoppingToken);
        var batch = new List<ConsumeResult<byte[], byte[]>>(maxBatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(waiting.Token))
            {
                batch.Clear();
                while (batch.Count < maxBatchSize && queue.Reader.TryRead(out var record)) batch.Add(record);
                if (revoked.IsCancellationRequested) return;
                var finished = await processBatch(batch, stoppingToken);
                if (finished > 0) storeOffset(batch[finished - 1]);
                if (finished < batch.Count) return; // the host is stopping: the rest is delivered again
            }
        }
        catch (OperationCanceledException) when (waiting.IsCancellationRequested)
        {
        }
    }
}
