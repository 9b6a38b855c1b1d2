namespace ServiceDefaults.Kafka;

/// <summary>Handles one consumed record; resolved from a fresh DI scope per record. Throw to retry, throw <see cref="PoisonMessageException"/> to dead-letter at once.</summary>
public interface IKafkaMessageHandler
{
    Task HandleAsync(ConsumedMessage message, CancellationToken cancellationToken);
}
