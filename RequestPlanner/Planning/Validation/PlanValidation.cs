using Contracts.Core;

namespace RequestPlanner.Planning.Validation;

/// <summary>A checked plan: steps numbered from 1 with normalised paths, or the errors that stopped it.</summary>
public sealed record PlanValidation(IReadOnlyList<Step> Steps, IReadOnlyList<string> Rationale, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
