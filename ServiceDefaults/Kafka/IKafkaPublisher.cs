using Google.Protobuf;

namespace ServiceDefaults.Kafka;

/// <summary>Publishes protobuf messages with the pipeline's headers (traceparent, message-id, content-type).</summary>
public interface IKafkaPublisher
{
    /// <summary>Publishes <paramref name="message"/> with a new message-id and the current trace; completes when the broker acknowledged it (acks=all).</summary>
    Task PublishAsync<T>(string topic, string key, T message, CancellationToken cancellationToken) where T : IMessage<T>;

    /// <summary>Publishes a pre-built message keeping its message-id and traceparent (outbox relay).</summary>
    Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Produces bytes with exactly these headers (dead-lettering, re-driving). No headers are added.</summary>
    Task ProduceRawAsync(string topic, string key, byte[] value, IEnumerable<KeyValuePair<string, byte[]>> headers, CancellationToken cancellationToken);
}
