namespace RequestPlanner.Planning;

/// <summary>The <c>Planner</c> configuration section.</summary>
public sealed class PlannerOptions
{
    public const string SectionName = "Planner";

    /// <summary>Snippets retrieved per request (HybridSearch k; the seed uses 8).</summary>
    public int SearchK { get; set; } = 8;
    /// <summary>HybridSearch alpha, Weaviate's convention: 1 = dense only, 0 = lexical only (the seed uses 0.3).</summary>
    public float SearchAlpha { get; set; } = 0.3f;
    /// <summary>Tokens of the system and user messages together, counted by the model's tokenizer (Prompting/PromptTokenizer).</summary>
    public int PromptTokenBudget { get; set; } = 6_000;
    /// <summary>Lease time-to-live in Srm; the Orchestrator renews or releases.</summary>
    public int LeaseTtlSeconds { get; set; } = 3_600;
    /// <summary>Files the retrieval planner edits at most.</summary>
    public int RetrievalMaxFiles { get; set; } = 3;
    /// <summary>Deadline of one call to RagService or Srm.</summary>
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>
    /// How long an outage of the LLM, RagService or Srm is waited out, retrying with back-off, before the plan is
    /// published FAILED with the reason. Keep it plus OpenAI:TotalTimeout under Kafka's max.poll.interval.ms (5 min).
    /// </summary>
    public TimeSpan OutageRetryFor { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>First wait after a failed attempt; doubles per attempt up to <see cref="OutageMaxRetryDelay"/>.</summary>
    public TimeSpan OutageRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan OutageMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The gRPC deadline of a call to RagService or Srm started now.</summary>
    public DateTime DeadlineFrom(TimeProvider clock) => clock.GetUtcNow().UtcDateTime + DependencyTimeout;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SearchK is < 1 or > 100) errors.Add("Planner:SearchK must be between 1 and 100");
        if (SearchAlpha is < 0 or > 1 || float.IsNaN(SearchAlpha)) errors.Add("Planner:SearchAlpha must be between 0 (lexical) and 1 (dense)");
        if (PromptTokenBudget < 1_000) errors.Add("Planner:PromptTokenBudget must be at least 1000");
        if (LeaseTtlSeconds < 1) errors.Add("Planner:LeaseTtlSeconds must be positive");
        if (RetrievalMaxFiles < 1) errors.Add("Planner:RetrievalMaxFiles must be at least 1");
        if (DependencyTimeout <= TimeSpan.Zero) errors.Add("Planner:DependencyTimeout must be positive");
        if (OutageRetryFor < TimeSpan.Zero || OutageRetryDelay <= TimeSpan.Zero || OutageMaxRetryDelay < OutageRetryDelay)
            errors.Add("Planner:OutageRetryFor must be >= 0 and 0 < Planner:OutageRetryDelay <= Planner:OutageMaxRetryDelay");
        return errors;
    }
}
