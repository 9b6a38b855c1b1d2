namespace Orchestrator.Workflow;

/// <summary>Knobs of the workflow, bound from <c>Orchestrator:Workflow</c>.</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Orchestrator:Workflow";

    /// <summary>Submissions of a request (the first included) before a BLOCKED plan regresses it.</summary>
    public int MaxPlanAttempts { get; set; } = 5;

    /// <summary>Back-off before resubmitting a BLOCKED request; doubles with every attempt.</summary>
    public TimeSpan ResubmitBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait before a BLOCKED request is submitted again, whether it waits for a back-off or for leases to expire.</summary>
    public TimeSpan MaxResubmitBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Waited past a conflicting lease's expiry, so Srm has surely let it go.</summary>
    public TimeSpan LeaseExpiryMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A non-terminal request with no transition for this long counts as stalled (metric).</summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>In code_phase this long with no commit from any code agent ever, the page says nothing seems to consume code.task.out.</summary>
    public TimeSpan CodeAgentGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest text kept in a timeline detail or ticket reason.</summary>
    public int MaxDetailLength { get; set; } = 2000;

    public TimeSpan BackoffFor(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 20));
        var backoff = TimeSpan.FromTicks((long)Math.Min(ResubmitBackoff.Ticks * factor, MaxResubmitBackoff.Ticks));
        return backoff < TimeSpan.Zero ? TimeSpan.Zero : backoff;
    }
}
