using Contracts.Srm;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Orchestrator.Leases;

/// <summary>Srm's <c>ListLeases</c>, <c>ReserveBatch</c> and <c>Release</c> for one plan.</summary>
public sealed class SrmPlanLeases(SrmClient srm, TimeProvider clock) : IPlanLeases
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<Lease>> ListAsync(string planId, CancellationToken cancellationToken)
    {
        var leases = new List<Lease>();
        var request = new ListLeasesRequest { PlanId = planId, PageSize = 500 };
        do
        {
            var page = await srm.ListLeasesAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
            leases.AddRange(page.Leases);
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
        return leases;
    }

    public async Task<ReserveBatchReply> ReserveAsync(ReserveBatchRequest request, CancellationToken cancellationToken) =>
        await srm.ReserveBatchAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);

    public async Task ReleaseAsync(long leaseId, CancellationToken cancellationToken) =>
        await srm.ReleaseAsync(new ReleaseRequest { LeaseId = leaseId }, deadline: Deadline(), cancellationToken: cancellationToken);

    private DateTime Deadline() => clock.GetUtcNow().UtcDateTime + Timeout;
}
