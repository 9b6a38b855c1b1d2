namespace Orchestrator.Persistence;

/// <summary>Where releasing a plan's leases stands; <see cref="GaveUpAt"/> is set when Srm refused it permanently.</summary>
public sealed record LeaseReleaseStatus(string PlanId, int Attempts, DateTimeOffset? ReleasedAt, int? ReleasedCount, string? LastError,
    DateTimeOffset NextAttemptAt, DateTimeOffset? GaveUpAt);
