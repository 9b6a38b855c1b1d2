namespace Srm.Leases;

/// <summary>What the database knows about a lease id.</summary>
public sealed record LeaseStatus(
    long LeaseId,
    LeaseFate Fate,
    string? PlanId = null,
    DateTimeOffset? EndedAt = null,
    long? SupersededBy = null,
    string? SupersedingPlanId = null);
