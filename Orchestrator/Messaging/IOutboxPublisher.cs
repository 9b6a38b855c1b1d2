namespace Orchestrator.Messaging;

/// <summary>Publishes an outbox row to Kafka; completes when the broker acknowledged it.</summary>
public interface IOutboxPublisher
{
    Task PublishAsync(OutboxRecord record, CancellationToken cancellationToken);
}
