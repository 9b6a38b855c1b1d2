namespace Srm.Leases;

/// <summary>Filters for listing leases; null filters match everything. Pages run by ascending lease id.</summary>
public sealed record LeaseQuery(
    string? Repo,
    string? Branch,
    string? FqNamePrefix,
    string? PlanId,
    bool IncludeExpired,
    int PageSize,
    long AfterLeaseId);

/// <summary>One page of leases; <see cref="NextAfterLeaseId"/> is null on the last page.</summary>
public sealed record LeasePage(IReadOnlyList<LeaseRecord> Leases, long? NextAfterLeaseId);
