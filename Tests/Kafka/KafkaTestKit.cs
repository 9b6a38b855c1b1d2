using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

/// <summary>Raw Kafka clients and a consumer loop runner for the Kafka tests.</summary>
internal static class KafkaTestKit
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Short session so the mock cluster rebalances in about two seconds.</summary>
    public static KafkaConsumerOptions Options(string topic, string? groupId = null, int maxRetries = 3) => new()
    {
        GroupId = groupId ?? $"group-{Guid.NewGuid():N}",
        Topics = [topic],
        MaxRetries = maxRetries,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        SessionTimeoutMs = 3000,
        HeartbeatIntervalMs = 300,
    };

    public static KafkaPublisher Publisher(string bootstrapServers) =>
        new(bootstrapServers, NullLogger<KafkaPublisher>.Instance);

    public static async Task<RunningLoop> StartLoopAsync(
        string bootstrapServers, KafkaConsumerOptions options, Func<ConsumedMessage, CancellationToken, Task> handler)
    {
        var publisher = Publisher(bootstrapServers);
        var loop = new KafkaConsumerLoop(bootstrapServers, options, handler, publisher, NullLogger<KafkaConsumerLoop>.Instance);
        await loop.StartAsync(CancellationToken.None);
        return new RunningLoop(loop, publisher);
    }

    /// <summary>A loop with one worker per partition, handing the handler batches of up to <paramref name="maxBatchSize"/> records.</summary>
    public static async Task<RunningLoop> StartBatchLoopAsync(string bootstrapServers, KafkaConsumerOptions options, int maxBatchSize,
        Func<IReadOnlyList<ConsumedMessage>, CancellationToken, Task<IReadOnlyList<Exception?>>> handler)
    {
        options.ProcessPartitionsInParallel = true;
        options.MaxBatchSize = maxBatchSize;
        var publisher = Publisher(bootstrapServers);
        var loop = new KafkaConsumerLoop(bootstrapServers, options, handler, publisher, NullLogger<KafkaConsumerLoop>.Instance);
        await loop.StartAsync(CancellationToken.None);
        return new RunningLoop(loop, publisher);
    }

    public static async Task ProduceRawAsync(string bootstrapServers, string topic, string key, byte[] value, params (string Name, string Value)[] headers)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers }).Build();
        var kafkaHeaders = new Headers();
        foreach (var (name, headerValue) in headers) kafkaHeaders.Add(name, Encoding.UTF8.GetBytes(headerValue));
        await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = kafkaHeaders });
    }

    /// <summary>Reads partition 0 of <paramref name="topic"/> from the start until <paramref name="count"/> records arrived.</summary>
    public static List<ConsumeResult<string, byte[]>> ReadFromStart(string bootstrapServers, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + Timeout;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record) records.Add(record);
        }
        return records;
    }

    /// <summary>Number of records in partition 0 (high watermark).</summary>
    public static long RecordCount(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"watermarks-{Guid.NewGuid():N}",
        }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), Timeout).High.Value;
    }

    public static string? Header(ConsumeResult<string, byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    public static async Task<T> ReadAsync<T>(this ChannelReader<T> reader)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await reader.ReadAsync(timeout.Token);
    }
}

internal sealed class RunningLoop(KafkaConsumerLoop loop, KafkaPublisher publisher) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await loop.StopAsync(CancellationToken.None);
        loop.Dispose();
        publisher.Dispose();
    }
}
