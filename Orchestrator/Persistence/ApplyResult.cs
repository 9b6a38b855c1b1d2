namespace Orchestrator.Persistence;

/// <summary>What applying one consumed input did; <see cref="Invalid"/> says why it is dead-lettered.</summary>
public sealed record ApplyResult(ApplyOutcome Outcome, string? Invalid = null);
