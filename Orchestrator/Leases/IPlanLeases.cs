using Contracts.Srm;

namespace Orchestrator.Leases;

/// <summary>What the review view and plan edits ask Srm about one plan's leases. Throws when Srm cannot be reached.</summary>
public interface IPlanLeases
{
    /// <summary>The plan's live leases (symbol, file, expiry, holder).</summary>
    Task<IReadOnlyList<Lease>> ListAsync(string planId, CancellationToken cancellationToken);

    /// <summary>Reserves all items for the plan at once (the plan's own live leases come back unchanged), or reports the conflicts.</summary>
    Task<ReserveBatchReply> ReserveAsync(ReserveBatchRequest request, CancellationToken cancellationToken);

    Task ReleaseAsync(long leaseId, CancellationToken cancellationToken);
}
