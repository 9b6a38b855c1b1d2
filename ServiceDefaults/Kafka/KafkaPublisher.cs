using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Contracts;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Kafka;

/// <summary>
/// Publishes through the process's <see cref="IProducer{TKey, TValue}"/> (idempotent, acks=all: see <see cref="Configure"/>).
/// Completes a publish when the broker acknowledged it; cancelling the token stops the wait, not the delivery
/// (librdkafka may still deliver the message).
/// </summary>
public sealed class KafkaPublisher(IProducer<byte[], byte[]> producer, ILogger<KafkaPublisher> logger) : IKafkaPublisher, IDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private readonly bool ownsProducer;
    private int disposed;

    /// <summary>A publisher with a producer of its own (tools and tests outside a host); disposing it disposes the producer.</summary>
    public KafkaPublisher(string bootstrapServers, ILogger<KafkaPublisher> logger)
        : this(BuildProducer(bootstrapServers, logger), logger)
    {
        ownsProducer = true;
    }

    /// <summary>The producer settings publishing relies on: no duplicates on retry, acknowledged by all in-sync replicas.</summary>
    public static ProducerConfig Configure(ProducerConfig config)
    {
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.LingerMs ??= 5;
        config.ClientId ??= AppDomain.CurrentDomain.FriendlyName;
        return config;
    }

    public Task PublishAsync<T>(string topic, string key, T message, CancellationToken cancellationToken) where T : IMessage<T> =>
        PublishAsync(OutgoingMessage.Create(topic, key, message), cancellationToken);

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        // The publish span is a child of the stored trace (relay) or of the current one, and its id travels on.
        var parent = KafkaTelemetry.ParentFrom(message.TraceParent);
        using var activity = parent == default
            ? KafkaTelemetry.ActivitySource.StartActivity($"{message.Topic} publish", ActivityKind.Producer)
            : KafkaTelemetry.ActivitySource.StartActivity($"{message.Topic} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", message.Topic);
        activity?.SetTag("messaging.message.id", message.MessageId);

        var traceParent = activity?.Id ?? message.TraceParent;
        var headers = new List<KeyValuePair<string, byte[]>>
        {
            new(KafkaHeaderNames.MessageId, Encoding.UTF8.GetBytes(message.MessageId)),
            new(KafkaHeaderNames.ContentType, Encoding.UTF8.GetBytes(MessageTypes.ContentType(message.MessageType))),
        };
        if (traceParent is not null) headers.Add(new(KafkaHeaderNames.TraceParent, Encoding.UTF8.GetBytes(traceParent)));

        try
        {
            await ProduceRawAsync(message.Topic, message.Key, message.Value, headers, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    public async Task ProduceRawAsync(string topic, string key, byte[] value, IEnumerable<KeyValuePair<string, byte[]>> headers, CancellationToken cancellationToken)
    {
        var kafkaHeaders = new Headers();
        foreach (var (name, bytes) in headers) kafkaHeaders.Add(name, bytes);
        var record = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value, Headers = kafkaHeaders };
        try
        {
            var delivery = await producer.ProduceAsync(topic, record, cancellationToken);
            KafkaTelemetry.Produced.Add(1, KafkaTelemetry.Topic(topic), KafkaTelemetry.Result("ok"));
            logger.LogDebug("Produced to {Topic} [{Partition}] @{Offset} with key {Key}",
                topic, delivery.Partition.Value, delivery.Offset.Value, key);
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            KafkaTelemetry.Produced.Add(1, KafkaTelemetry.Topic(topic), KafkaTelemetry.Result("error"));
            logger.LogWarning("Producing to {Topic} with key {Key} failed: {Reason}. Check that the broker is reachable and the topic exists.",
                topic, key, ex.Error.Reason);
            throw;
        }
    }

    /// <summary>Delivers what is still queued (e.g. dead letters) before the producer's owner disposes it.</summary>
    public void Dispose()
    {
        // The container may dispose us twice (registered as KafkaPublisher and as IKafkaPublisher).
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        var pending = producer.Flush(FlushTimeout);
        if (pending > 0)
            logger.LogWarning("{Count} Kafka message(s) were not delivered within {Timeout} at shutdown", pending, FlushTimeout);
        if (ownsProducer) producer.Dispose();
    }

    private static IProducer<byte[], byte[]> BuildProducer(string bootstrapServers, ILogger logger)
    {
        KafkaNativeLibrary.EnsureLoaded();
        return new ProducerBuilder<byte[], byte[]>(Configure(new ProducerConfig { BootstrapServers = bootstrapServers }))
            .SetLogHandler((_, message) => KafkaLogBridge.Log(logger, message))
            .Build();
    }
}
