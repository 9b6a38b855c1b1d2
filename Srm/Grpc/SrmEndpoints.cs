using Contracts.Srm;
using ServiceDefaults.Grpc;

namespace Srm.Grpc;

/// <summary>Maps the six unary methods of <c>srm.v1.Srm</c> to <see cref="SrmService"/>.</summary>
public static class SrmEndpoints
{
    public const string ServiceName = "srm.v1.Srm";

    public static IEndpointRouteBuilder MapSrm(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService(ServiceName)
            .MapUnary<ReserveRequest, ReserveReply>("Reserve",
                (request, context) => context.GetRequiredService<SrmService>().ReserveAsync(request, context.CancellationToken))
            .MapUnary<ReserveBatchRequest, ReserveBatchReply>("ReserveBatch",
                (request, context) => context.GetRequiredService<SrmService>().ReserveBatchAsync(request, context.CancellationToken))
            .MapUnary<RenewRequest, RenewReply>("Renew",
                (request, context) => context.GetRequiredService<SrmService>().RenewAsync(request, context.CancellationToken))
            .MapUnary<ReleaseRequest, ReleaseReply>("Release",
                (request, context) => context.GetRequiredService<SrmService>().ReleaseAsync(request, context.CancellationToken))
            .MapUnary<ReleasePlanRequest, ReleasePlanReply>("ReleasePlan",
                (request, context) => context.GetRequiredService<SrmService>().ReleasePlanAsync(request, context.CancellationToken))
            .MapUnary<ListLeasesRequest, ListLeasesReply>("ListLeases",
                (request, context) => context.GetRequiredService<SrmService>().ListLeasesAsync(request, context.CancellationToken));
        return endpoints;
    }
}
