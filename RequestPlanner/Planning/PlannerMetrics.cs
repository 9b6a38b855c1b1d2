using System.Diagnostics.Metrics;
using Contracts.Core;

namespace RequestPlanner.Planning;

/// <summary>
/// Meter "RequestPlanner": plans by status (the seed's <c>rp_plans_total</c>), planning latency, LLM tokens
/// in and out, LLM retries. Tags carry no request ids or secrets (bounded cardinality).
/// </summary>
public sealed class PlannerMetrics
{
    public const string MeterName = "RequestPlanner";

    private readonly Counter<long> plans;
    private readonly Histogram<double> planningSeconds;
    private readonly Counter<long> tokensIn;
    private readonly Counter<long> tokensOut;
    private readonly Counter<long> llmRetries;

    public PlannerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        plans = meter.CreateCounter<long>("rp_plans_total", description: "Plans emitted, by status (READY, BLOCKED, FAILED).");
        planningSeconds = meter.CreateHistogram<double>("rp_planning_duration_seconds", unit: "s",
            description: "Time from a change request to its plan: retrieval, planning, validation and reservation.");
        tokensIn = meter.CreateCounter<long>("rp_llm_tokens_in_total", description: "Prompt tokens sent to the LLM (as the endpoint reports them).");
        tokensOut = meter.CreateCounter<long>("rp_llm_tokens_out_total", description: "Completion tokens received from the LLM.");
        llmRetries = meter.CreateCounter<long>("rp_llm_retries_total", description: "LLM calls retried after 429, 5xx or network errors.");
    }

    public void PlanEmitted(PlanStatus status, string planner, TimeSpan elapsed)
    {
        var statusTag = new KeyValuePair<string, object?>("status", status.ToString());
        var plannerTag = new KeyValuePair<string, object?>("planner", planner.StartsWith("llm", StringComparison.Ordinal) ? "llm" : "retrieval");
        plans.Add(1, statusTag, plannerTag);
        planningSeconds.Record(elapsed.TotalSeconds, statusTag, plannerTag);
    }

    public void TokensUsed(string model, long input, long output)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model);
        tokensIn.Add(input, modelTag);
        tokensOut.Add(output, modelTag);
    }

    public void LlmRetried() => llmRetries.Add(1);
}
