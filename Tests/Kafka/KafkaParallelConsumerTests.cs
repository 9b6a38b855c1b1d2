using System.Collections.Concurrent;
using System.Threading.Channels;
using Contracts.Core;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

/// <summary>The consumer loop with one worker per partition and batches: order per key, poison in a batch, revocation mid-batch.</summary>
public sealed class KafkaParallelConsumerTests(DevKafkaFixture broker) : IClassFixture<DevKafkaFixture>
{
    [Fact]
    public async Task Partitions_are_handled_in_parallel_and_each_key_in_order()
    {
        var topic = broker.CreateTopicWithDeadLetter("parallel", partitions: 4);
        const int keys = 8, perKey = 25;
        await PublishAsync(topic, keys, perKey);

        var handled = new ConcurrentQueue<(string Key, int Seq)>();
        var active = 0;
        var largestBatch = 0;
        var parallel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await KafkaTestKit.StartBatchLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic), maxBatchSize: 10, async (batch, _) =>
        {
            if (Interlocked.Increment(ref active) >= 2) parallel.TrySetResult();
            // Until two partitions' batches were in flight at once, each batch waits for another (bounded: the assertion below reports it).
            await Task.WhenAny(parallel.Task, Task.Delay(KafkaTestKit.Timeout));
            InterlockedMax(ref largestBatch, batch.Count);
            foreach (var message in batch) handled.Enqueue(Parse(message));
            Interlocked.Decrement(ref active);
            if (handled.Count >= keys * perKey) done.TrySetResult();
            return new Exception?[batch.Count];
        }))
        {
            await done.Task.WaitAsync(KafkaTestKit.Timeout);
        }

        Assert.True(parallel.Task.IsCompleted, "batches of different partitions never ran at the same time");
        Assert.True(largestBatch > 1, "every batch held one record");
        var byKey = handled.GroupBy(h => h.Key).ToDictionary(g => g.Key, g => g.Select(h => h.Seq).ToList());
        Assert.Equal(keys, byKey.Count);
        foreach (var (key, seqs) in byKey) Assert.True(Enumerable.Range(0, perKey).SequenceEqual(seqs), $"{key} was handled as {string.Join(",", seqs)}");
    }

    [Fact]
    public async Task A_poison_record_in_a_batch_is_dead_lettered_and_the_others_are_handled_once()
    {
        var topic = broker.CreateTopicWithDeadLetter("batch-poison");
        var group = $"batch-poison-{Guid.NewGuid():N}";
        await PublishAsync(topic, keys: 1, perKey: 20);

        var handled = new ConcurrentDictionary<int, int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await KafkaTestKit.StartBatchLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, group), maxBatchSize: 50, (batch, _) =>
        {
            var failures = new Exception?[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var (_, seq) = Parse(batch[i]);
                if (seq == 7) failures[i] = new PoisonMessageException("record 7 is poison");
                else handled.AddOrUpdate(seq, 1, (_, n) => n + 1);
            }
            if (handled.Count == 19) done.TrySetResult();
            return Task.FromResult<IReadOnlyList<Exception?>>(failures);
        }))
        {
            await done.Task.WaitAsync(KafkaTestKit.Timeout);
            await OrchestratorLikeWait(() => KafkaTestKit.RecordCount(broker.BootstrapServers, Contracts.Topics.DeadLetter(topic)) == 1);
        }
        Assert.Equal(Enumerable.Range(0, 20).Where(s => s != 7), handled.Keys.Order());
        Assert.All(handled.Values, n => Assert.Equal(1, n));
        var deadLetter = Assert.Single(KafkaTestKit.ReadFromStart(broker.BootstrapServers, Contracts.Topics.DeadLetter(topic), 1));
        Assert.Equal("record 7 is poison", KafkaTestKit.Header(deadLetter, "dlq-error"));

        // Offsets were stored past the poison and the batch: the group's next member sees only what comes later.
        using (var publisher = KafkaTestKit.Publisher(broker.BootstrapServers))
            await publisher.PublishAsync(topic, "k0", new ChangeRequest { Id = "k0:later" }, CancellationToken.None);
        var next = Channel.CreateUnbounded<string>();
        await using (await KafkaTestKit.StartBatchLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, group), maxBatchSize: 50, async (batch, _) =>
        {
            foreach (var message in batch) await next.Writer.WriteAsync(message.Parse<ChangeRequest>().Id);
            return new Exception?[batch.Count];
        }))
        {
            Assert.Equal("k0:later", await next.Reader.ReadAsync());
        }
    }

    [Fact]
    public async Task A_revocation_mid_batch_lets_the_batch_finish_and_hands_over_the_rest_so_nothing_is_lost_and_only_that_batch_may_repeat()
    {
        var topic = broker.CreateTopicWithDeadLetter("revoke", partitions: 2);
        var group = $"revoke-{Guid.NewGuid():N}";
        const int keys = 6, perKey = 20;
        await PublishAsync(topic, keys, perKey);

        var handled = new ConcurrentDictionary<string, int>();
        var heldAtRevocation = new ConcurrentDictionary<string, bool>();
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releasedByRevocation = false;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<IReadOnlyList<ConsumedMessage>, CancellationToken, Task<IReadOnlyList<Exception?>>> Handler(bool first) => async (batch, _) =>
        {
            if (first)
            {
                // Every batch of the first member waits until its partitions are being revoked.
                if (!release.Task.IsCompleted)
                {
                    foreach (var message in batch) heldAtRevocation[message.Parse<ChangeRequest>().Id] = true;
                }
                inFlight.TrySetResult();
                await release.Task.WaitAsync(KafkaTestKit.Timeout);
            }
            foreach (var message in batch) handled.AddOrUpdate(message.Parse<ChangeRequest>().Id, 1, (_, n) => n + 1);
            if (handled.Count == keys * perKey) done.TrySetResult();
            return new Exception?[batch.Count];
        };

        var firstOptions = KafkaTestKit.Options(topic, group);
        firstOptions.PartitionsRevoked = _ =>
        {
            releasedByRevocation = !release.Task.IsCompleted;
            release.TrySetResult();
        };
        await using var first = await KafkaTestKit.StartBatchLoopAsync(broker.BootstrapServers, firstOptions, maxBatchSize: 5, Handler(first: true));
        await inFlight.Task.WaitAsync(KafkaTestKit.Timeout);
        await using var second = await KafkaTestKit.StartBatchLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, group), maxBatchSize: 5, Handler(first: false));
        await done.Task.WaitAsync(KafkaTestKit.Timeout);

        Assert.True(releasedByRevocation, "the first member's batch was not in flight when its partitions were revoked");
        Assert.Equal(keys * perKey, handled.Count);
        // The batch in flight finishes and its offset is committed on revocation, so its records are not handled again;
        // but a broker may refuse that commit while the group rebalances (the mock cluster does: "Group rebalance in
        // progress"), and then the next owner repeats that batch, which inboxes dedupe. Nothing else may repeat: the
        // records queued behind it are dropped, not handled, and taken up by the next owner.
        Assert.All(handled, pair => Assert.True(pair.Value == 1 || (pair.Value == 2 && heldAtRevocation.ContainsKey(pair.Key)),
            $"{pair.Key} was handled {pair.Value} times (in the batch held at revocation: {heldAtRevocation.ContainsKey(pair.Key)})"));
    }

    private async Task PublishAsync(string topic, int keys, int perKey)
    {
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);
        // Queued in order per key, so each key's records land in its partition in sequence order.
        await Task.WhenAll(Enumerable.Range(0, perKey).SelectMany(seq => Enumerable.Range(0, keys)
            .Select(key => publisher.PublishAsync(topic, $"k{key}", new ChangeRequest { Id = $"k{key}:{seq}" }, CancellationToken.None))).ToList());
    }

    private static (string Key, int Seq) Parse(ConsumedMessage message)
    {
        var id = message.Parse<ChangeRequest>().Id.Split(':');
        return (id[0], int.Parse(id[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void InterlockedMax(ref int location, int value)
    {
        var current = Volatile.Read(ref location);
        while (value > current && Interlocked.CompareExchange(ref location, value, current) is var seen && seen != current) current = seen;
    }

    private static async Task OrchestratorLikeWait(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + KafkaTestKit.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead letter was not written");
            await Task.Delay(50);
        }
    }
}
