namespace Orchestrator.Workflow;

/// <summary>A message that can never be processed (missing request id, invalid fields): it is dead-lettered.</summary>
public sealed class InvalidMessageException(string message) : Exception(message);
