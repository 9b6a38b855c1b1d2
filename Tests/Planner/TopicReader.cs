using System.Text;
using Confluent.Kafka;

namespace Tests.Planner;

/// <summary>Reads partition 0 of a topic from the start, for tests that look for the records a service wrote.</summary>
public static class TopicReader
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until at least <paramref name="count"/> records match; returns them all.</summary>
    public static List<ConsumeResult<string, byte[]>> WaitFor(string bootstrapServers, string topic, Func<ConsumeResult<string, byte[]>, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var found = ReadAll(bootstrapServers, topic).Where(match).ToList();
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Found {found.Count} of {count} matching records on {topic} within {Timeout}.");
            Thread.Sleep(100);
        }
    }

    /// <summary>Every record of partition 0 up to the current end.</summary>
    public static List<ConsumeResult<string, byte[]>> ReadAll(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        var end = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), Timeout).High.Value;
        var records = new List<ConsumeResult<string, byte[]>>();
        if (end == 0) return records;
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null) continue;
            if (record.IsPartitionEOF) break;
            records.Add(record);
            if (record.Offset.Value >= end - 1) break;
        }
        return records;
    }

    public static string? Header(ConsumeResult<string, byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
