namespace Srm.Leases;

/// <summary>All symbols granted (<see cref="Leases"/>) or none (<see cref="Conflicts"/> names every holder).</summary>
public sealed record ReservationResult(IReadOnlyList<GrantedLease> Leases, IReadOnlyList<LeaseConflict> Conflicts)
{
    public bool Granted => Conflicts.Count == 0;
}
