namespace RequestPlanner.Planning.Llm;

/// <summary>
/// The LLM endpoint could not answer within the retry budget (429, 5xx, timeouts, network). Transient: the
/// planner waits the outage out for Planner:OutageRetryFor, then fails the plan with this reason.
/// </summary>
public sealed class LlmUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
