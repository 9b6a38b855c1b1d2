namespace Srm.Leases;

/// <summary>
/// A lease a reservation returned. <see cref="Fresh"/> is false when the plan already held a live lease
/// on the symbol and got that same lease back (idempotent re-reservation).
/// </summary>
public sealed record GrantedLease(LeaseRecord Lease, bool Fresh);
