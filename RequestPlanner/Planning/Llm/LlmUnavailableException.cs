namespace RequestPlanner.Planning.Llm;

/// <summary>
/// The LLM endpoint could not answer within the retry budget (429, 5xx, timeouts, network). Transient:
/// the worker lets the consumer loop retry the message and, after its retries, dead-letter it.
/// </summary>
public sealed class LlmUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
