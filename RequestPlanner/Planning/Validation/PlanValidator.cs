using Contracts.Core;

namespace RequestPlanner.Planning.Validation;

/// <summary>
/// Checks a <see cref="PlanDraft"/>: at least one step and at most <see cref="PlanLimits.MaxSteps"/>; every step
/// has a goal, a known kind, a path inside the repository (<see cref="RepositoryPath"/>) and well-formed
/// symbols; EDIT, REMOVE and REFACTOR name files that exist (asked of <see cref="IPathResolver"/> in one call),
/// ADD may create. Steps are numbered from 1 in the order given. Every problem is reported, so one repair
/// turn can fix them all.
/// </summary>
public sealed class PlanValidator(IPathResolver pathResolver)
{
    public async Task<PlanValidation> ValidateAsync(string repo, string branch, PlanDraft draft, CancellationToken cancellationToken)
    {
        var errors = new List<string>(draft.ReadErrors);
        if (draft.Steps.Count == 0 && draft.ReadErrors.Count == 0) errors.Add("the plan has no steps");
        if (draft.Steps.Count > PlanLimits.MaxSteps) errors.Add($"the plan has {draft.Steps.Count} steps; at most {PlanLimits.MaxSteps} are allowed");

        var steps = new List<Step>();
        var mustExist = new List<(int Number, string Path)>();
        var number = 0;
        foreach (var draftStep in draft.Steps.Take(PlanLimits.MaxSteps))
        {
            number++;
            var step = new Step { Order = number };

            var goal = draftStep.Goal?.Trim() ?? "";
            if (draftStep.Goal is not null && goal.Length == 0) errors.Add($"step {number}: goal is empty");
            else if (goal.Length > PlanLimits.MaxGoalLength) errors.Add($"step {number}: goal is longer than {PlanLimits.MaxGoalLength} characters");
            step.Goal = goal;

            var kind = SeedStrings.Parse<StepKind>(draftStep.Kind);
            if (kind is null)
            {
                if (draftStep.Kind is not null)
                    errors.Add($"step {number}: kind \"{Shorten(draftStep.Kind)}\" is not one of {SeedStrings.Allowed<StepKind>()}");
            }
            else step.Kind = SeedStrings.Of(kind.Value);

            if (draftStep.Path is not null)
            {
                var path = RepositoryPath.Normalize(draftStep.Path, out var pathError);
                if (path is null) errors.Add($"step {number}: path \"{Shorten(draftStep.Path)}\" {pathError}");
                else
                {
                    step.Path = path;
                    if (kind is StepKind.Edit or StepKind.Remove or StepKind.Refactor)
                        mustExist.Add((number, path));
                }
            }

            if (draftStep.Symbols.Count > PlanLimits.MaxSymbolsPerStep)
                errors.Add($"step {number}: {draftStep.Symbols.Count} symbols; at most {PlanLimits.MaxSymbolsPerStep} per step");
            foreach (var raw in draftStep.Symbols.Take(PlanLimits.MaxSymbolsPerStep))
            {
                var symbol = NormalizeSymbol(raw, out var symbolError);
                if (symbol is null) errors.Add($"step {number}: symbol \"{Shorten(raw)}\" {symbolError}");
                else if (!step.Symbols.Contains(symbol)) step.Symbols.Add(symbol);
            }
            steps.Add(step);
        }

        if (mustExist.Count > 0)
        {
            var existing = await pathResolver.ExistingAsync(repo, branch, mustExist.Select(m => m.Path).Distinct().ToList(), cancellationToken);
            foreach (var (stepNumber, path) in mustExist)
            {
                if (!existing.Contains(path))
                    errors.Add($"step {stepNumber}: path \"{path}\" does not exist in {repo}@{branch}; EDIT, REMOVE and REFACTOR need an existing file (use ADD to create one)");
            }
        }

        var rationale = draft.Rationale
            .Select(r => r.Trim())
            .Where(r => r.Length > 0)
            .Take(PlanLimits.MaxRationaleItems)
            .Select(r => r.Length > PlanLimits.MaxRationaleLength ? r[..PlanLimits.MaxRationaleLength] + "…" : r)
            .ToList();
        return new PlanValidation(errors.Count == 0 ? steps : [], rationale, errors);
    }

    /// <summary>
    /// A symbol is a name without spaces or control characters; a trailing "()" is dropped, so "greet()"
    /// and "greet" reserve the same lease.
    /// </summary>
    public static string? NormalizeSymbol(string raw, out string error)
    {
        error = "";
        var symbol = raw.Trim();
        if (symbol.EndsWith("()", StringComparison.Ordinal)) symbol = symbol[..^2].TrimEnd();
        if (symbol.Length == 0) { error = "is empty"; return null; }
        if (symbol.Length > PlanLimits.MaxSymbolLength) { error = $"is longer than {PlanLimits.MaxSymbolLength} characters"; return null; }
        if (symbol.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) { error = "contains spaces or control characters; name one symbol"; return null; }
        return symbol;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
