namespace Orchestrator.Persistence;

/// <summary>Where releasing a plan's leases stands.</summary>
public sealed record LeaseReleaseStatus(string PlanId, int Attempts, DateTimeOffset? ReleasedAt, int? ReleasedCount, string? LastError, DateTimeOffset NextAttemptAt);
