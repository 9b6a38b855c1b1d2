namespace RequestPlanner.Planning.Validation;

/// <summary>One step as a planner proposed it, before validation. Missing or mistyped fields are null.</summary>
public sealed record DraftStep(string? Goal, string? Kind, string? Path, IReadOnlyList<string> Symbols);

/// <summary>
/// A proposed plan before validation, with the problems found while reading it (wrong JSON types and
/// the like), so that the repair turn can name every problem at once.
/// </summary>
public sealed record PlanDraft(IReadOnlyList<DraftStep> Steps, IReadOnlyList<string> Rationale, IReadOnlyList<string> ReadErrors);
