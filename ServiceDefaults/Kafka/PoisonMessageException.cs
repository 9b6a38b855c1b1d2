namespace ServiceDefaults.Kafka;

/// <summary>
/// A message that can never be processed (malformed bytes, wrong message type, invalid content).
/// The consumer loop does not retry it: it goes straight to <c>&lt;topic&gt;.dlq</c>.
/// Handlers throw it for input that retrying cannot fix.
/// </summary>
public sealed class PoisonMessageException(string message, Exception? innerException = null)
    : Exception(message, innerException);
