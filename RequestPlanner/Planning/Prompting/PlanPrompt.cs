namespace RequestPlanner.Planning.Prompting;

/// <summary>The two opening messages of a planning conversation, their tokens (with framing) and what went into them.</summary>
public sealed record PlanPrompt(
    string SystemMessage,
    string UserMessage,
    int Tokens,
    int SnippetsIncluded,
    int SnippetsOmitted);
