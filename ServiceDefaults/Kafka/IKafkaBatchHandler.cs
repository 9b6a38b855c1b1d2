namespace ServiceDefaults.Kafka;

/// <summary>
/// Handles records of ONE partition at once, in offset order (e.g. in one database transaction: group commit); resolved
/// from a fresh DI scope per batch. Returns one entry per record: null when it is done, or the failure that sends it to
/// the dead-letter topic (a <see cref="PoisonMessageException"/>: one bad record must not hold up the others). Throw when
/// the batch as a whole failed: the loop then hands its records over one at a time, with retries.
/// </summary>
public interface IKafkaBatchHandler
{
    Task<IReadOnlyList<Exception?>> HandleBatchAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken);
}
