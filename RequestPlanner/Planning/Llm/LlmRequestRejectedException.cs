namespace RequestPlanner.Planning.Llm;

/// <summary>
/// The LLM endpoint refused the request for a reason retrying will not fix (401, 403, 404, 400...):
/// usually configuration. The plan fails with this message, which says what to check.
/// </summary>
public sealed class LlmRequestRejectedException(string message) : Exception(message);
