namespace Orchestrator.Workflow;

/// <summary>What a seed-style message names instead of its request: a plan, a task, a commit or a test spec.</summary>
public enum CorrelationKind { Plan, Task, Commit, Spec }

/// <summary>An id a request's messages carry (<see cref="Value"/>), recorded so id-less messages find their request.</summary>
public sealed record Correlation(CorrelationKind Kind, string Value)
{
    public string KindName => Kind.ToString().ToLowerInvariant();
}
