namespace Srm.Leases;

/// <summary>Why a lease id is (or is not) live, for fencing errors that say what happened.</summary>
public enum LeaseFate
{
    Live,
    Expired,
    Released,
    /// <summary>The symbol now carries a newer lease (this id is a stale fencing token).</summary>
    Superseded,
    /// <summary>No lease with this id was ever granted (or its history was pruned).</summary>
    Unknown,
}

/// <summary>What the database knows about a lease id.</summary>
public sealed record LeaseStatus(
    long LeaseId,
    LeaseFate Fate,
    string? PlanId = null,
    DateTimeOffset? EndedAt = null,
    long? SupersededBy = null,
    string? SupersedingPlanId = null);
