using ServiceDefaults.Kafka;

namespace Orchestrator.Messaging;

/// <summary>Publishes outbox rows with the process's idempotent producer, keeping their stored message id and trace.</summary>
public sealed class KafkaOutboxPublisher(IKafkaPublisher publisher) : IOutboxPublisher
{
    public Task PublishAsync(OutboxRecord record, CancellationToken cancellationToken) =>
        publisher.PublishAsync(new OutgoingMessage(record.Topic, record.Key, record.Payload, record.MessageType, record.MessageId, record.TraceParent),
            cancellationToken);
}
