namespace Orchestrator.Scheduling;

/// <summary>Bound from <c>Orchestrator:Resubmit</c>.</summary>
public sealed class ResubmitOptions
{
    public const string Section = "Orchestrator:Resubmit";

    /// <summary>How often to look for BLOCKED requests whose back-off elapsed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;
}
