namespace Orchestrator.Leases;

/// <summary>Bound from <c>Orchestrator:LeaseRelease</c>.</summary>
public sealed class LeaseReleaseOptions
{
    public const string Section = "Orchestrator:LeaseRelease";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay after a failed release; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public int BatchSize { get; set; } = 50;
}
