using Contracts.Srm;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Reservations;
using ServiceDefaults.Grpc;

namespace RequestPlanner.Clients;

/// <summary>
/// <c>srm.v1.Srm/ReserveBatch</c>. Safe to retry: Srm hands a plan its own leases back, so a reply lost in
/// transit costs nothing when the message is redelivered.
/// </summary>
public sealed class SrmSymbolReserver(GrpcClient srm, PlannerOptions options) : ISymbolReserver
{
    public const string Service = "srm.v1.Srm";

    public Task<ReserveBatchReply> ReserveBatchAsync(ReserveBatchRequest request, CancellationToken cancellationToken) =>
        srm.UnaryAsync<ReserveBatchRequest, ReserveBatchReply>(Service, "ReserveBatch", request, options.DependencyTimeout, cancellationToken);
}
