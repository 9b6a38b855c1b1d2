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
