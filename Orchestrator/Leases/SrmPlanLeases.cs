using Contracts.Srm;
using ServiceDefaults.Grpc;

namespace Orchestrator.Leases;

/// <summary>Srm's <c>ListLeases</c>, <c>ReserveBatch</c> and <c>Release</c> for one plan.</summary>
public sealed class SrmPlanLeases(GrpcClient srm) : IPlanLeases
{
    private const string Service = "srm.v1.Srm";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<Lease>> ListAsync(string planId, CancellationToken cancellationToken)
    {
        var leases = new List<Lease>();
        var request = new ListLeasesRequest { PlanId = planId, PageSize = 500 };
        do
        {
            var page = await srm.UnaryAsync<ListLeasesRequest, ListLeasesReply>(Service, "ListLeases", request, Timeout, cancellationToken);
            leases.AddRange(page.Leases);
            request.PageToken = page.NextPageToken;
        } while (request.PageToken.Length > 0);
        return leases;
    }

    public Task<ReserveBatchReply> ReserveAsync(ReserveBatchRequest request, CancellationToken cancellationToken) =>
        srm.UnaryAsync<ReserveBatchRequest, ReserveBatchReply>(Service, "ReserveBatch", request, Timeout, cancellationToken);

    public Task ReleaseAsync(long leaseId, CancellationToken cancellationToken) =>
        srm.UnaryAsync<ReleaseRequest, ReleaseReply>(Service, "Release", new ReleaseRequest { LeaseId = leaseId }, Timeout, cancellationToken);
}
