using Contracts.Core;

namespace Orchestrator.Api;

/// <summary>
/// A person's edit of the plan under review (<c>POST .../edit</c>): the steps to keep, by their order in the plan, each with
/// its kind and path (changed or not). Steps left out are removed; goals and symbols stay the planner's.
/// </summary>
public sealed record PlanEditBody(IReadOnlyList<StepEdit>? Steps);

public sealed record StepEdit(int Order, string? Kind, string? Path);

/// <summary>Applies and validates an edit as a planner's plan is validated: known kinds, safe repository-relative paths.</summary>
public static class PlanEdit
{
    /// <summary>The edited plan, or null with every problem in <paramref name="errors"/>; <paramref name="summary"/> says what changed.</summary>
    public static Plan? Apply(Plan plan, PlanEditBody? body, out Dictionary<string, string[]> errors, out string summary)
    {
        errors = [];
        summary = "";
        var edits = body?.Steps ?? [];
        if (edits.Count == 0)
        {
            errors["steps"] = ["Keep at least one step (to drop the whole plan, reject it)."];
            return null;
        }
        var byOrder = plan.Steps.ToDictionary(s => s.Order);
        var changes = new List<string>();
        var edited = plan.Clone();
        edited.Steps.Clear();
        for (var i = 0; i < edits.Count; i++)
        {
            var edit = edits[i];
            var field = $"steps[{i}]";
            if (!byOrder.TryGetValue(edit.Order, out var original))
            {
                errors[field] = [$"the plan has no step {edit.Order}."];
                continue;
            }
            if (edits.Take(i).Any(e => e.Order == edit.Order))
            {
                errors[field] = [$"step {edit.Order} is listed twice."];
                continue;
            }
            var step = original.Clone();
            if (edit.Kind is not null)
            {
                if (SeedStrings.Parse<StepKind>(edit.Kind) is not { } kind)
                {
                    errors[field + ".kind"] = [$"'{Shorten(edit.Kind)}' is not one of {SeedStrings.Allowed<StepKind>()}."];
                    continue;
                }
                var name = SeedStrings.Of(kind);
                if (name != step.Kind) changes.Add($"step {step.Order} kind {step.Kind} -> {name}");
                step.Kind = name;
            }
            if (edit.Path is not null)
            {
                if (PathProblem(edit.Path) is { } problem)
                {
                    errors[field + ".path"] = [$"'{Shorten(edit.Path)}' {problem}."];
                    continue;
                }
                var path = edit.Path.Trim();
                if (path != step.Path) changes.Add($"step {step.Order} path {step.Path} -> {path}");
                step.Path = path;
            }
            edited.Steps.Add(step);
        }
        if (errors.Count > 0) return null;
        var removed = plan.Steps.Select(s => s.Order).Except(edits.Select(e => e.Order)).ToList();
        if (removed.Count > 0) changes.Insert(0, $"removed step(s) {string.Join(", ", removed)}");
        summary = changes.Count == 0 ? "no change" : string.Join("; ", changes);
        return edited;
    }

    /// <summary>Why a path cannot be a step's path (a code agent writes wherever it says), or null.</summary>
    private static string? PathProblem(string raw)
    {
        var path = raw.Trim();
        if (path.Length == 0) return "is empty";
        if (path.Length > 1024) return "is longer than 1024 characters";
        if (path.Any(char.IsControl)) return "contains control characters";
        if (path.Contains('\\')) return "uses backslashes; use forward slashes relative to the repository root";
        if (path[0] is '/' or '~' || (path.Length >= 2 && path[1] == ':')) return "is not relative to the repository root";
        var segments = path.Split('/');
        if (segments.Any(s => s is "" or "." or "..")) return "is not a normalised path inside the repository (no empty, '.' or '..' segments)";
        if (segments.Any(s => s.Equals(".git", StringComparison.OrdinalIgnoreCase))) return "points into .git";
        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
