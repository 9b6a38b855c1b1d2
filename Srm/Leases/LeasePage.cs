namespace Srm.Leases;

/// <summary>One page of leases; <see cref="NextAfterLeaseId"/> is null on the last page.</summary>
public sealed record LeasePage(IReadOnlyList<LeaseRecord> Leases, long? NextAfterLeaseId);
