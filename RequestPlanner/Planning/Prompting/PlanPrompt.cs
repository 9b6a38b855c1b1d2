namespace RequestPlanner.Planning.Prompting;

/// <summary>The two opening messages of a planning conversation and what went into them.</summary>
public sealed record PlanPrompt(
    string SystemMessage,
    string UserMessage,
    int EstimatedTokens,
    int SnippetsIncluded,
    int SnippetsOmitted);
