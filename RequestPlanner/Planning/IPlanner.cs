using Contracts.Core;
using Contracts.Rag;

namespace RequestPlanner.Planning;

/// <summary>What a planner works from: a valid request, its effective branch, and the retrieved context.</summary>
public sealed record PlanningInput(ChangeRequest Request, string Branch, HybridSearchReply Context);

/// <summary>
/// A planner's answer: validated steps and rationale, or the errors that stopped it. <see cref="Planner"/>
/// names who produced it (goes into <c>Plan.planner</c>).
/// </summary>
public sealed record PlannerResult(string Planner, IReadOnlyList<Step> Steps, IReadOnlyList<string> Rationale, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Errors.Count == 0 && Steps.Count > 0;

    public static PlannerResult Failed(string planner, IReadOnlyList<string> errors, IReadOnlyList<string>? rationale = null) =>
        new(planner, [], rationale ?? [], errors);
}

/// <summary>Turns a change request and its context into validated steps (the LLM planner or the retrieval planner).</summary>
public interface IPlanner
{
    Task<PlannerResult> PlanAsync(PlanningInput input, CancellationToken cancellationToken);
}
