using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>
/// A plan on plan.out is another agent's input to us, so it is checked before anything acts on it: its id must be the
/// one the planner derives for its request (<see cref="PlanIdentity"/>), every step's kind known and every path a safe,
/// normalised repository-relative path (<see cref="RepositoryPath"/>).
/// </summary>
public static class PlanRules
{
    /// <summary>Every problem, in words; empty when the plan may be applied.</summary>
    public static IReadOnlyList<string> Validate(Plan plan)
    {
        var errors = new List<string>();
        var expectedId = PlanIdentity.ForRequest(plan.ParentRequestId);
        if (plan.Id != expectedId)
            errors.Add($"plan id '{Shorten(plan.Id)}' is not the id derived for request {Shorten(plan.ParentRequestId)} ({expectedId})");
        foreach (var step in plan.Steps)
        {
            if (step.KnownKind is null)
                errors.Add($"step {step.Order}: kind '{Shorten(step.Kind)}' is not one of {SeedStrings.Allowed<StepKind>()}");
            var normalized = RepositoryPath.Normalize(step.Path, out var pathError);
            if (normalized is null) errors.Add($"step {step.Order}: path '{Shorten(step.Path)}' {pathError}");
            else if (normalized != step.Path) errors.Add($"step {step.Order}: path '{Shorten(step.Path)}' is not normalised (expected '{normalized}')");
        }
        return errors;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
