using Contracts.Srm;
using ServiceDefaults.Grpc;

namespace Orchestrator.Leases;

/// <summary>Calls <c>srm.v1.Srm/ReleasePlan</c> over our unary gRPC client.</summary>
public sealed class SrmLeaseReleaser(GrpcClient srm) : ILeaseReleaser
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<int> ReleasePlanAsync(string planId, CancellationToken cancellationToken)
    {
        var reply = await srm.UnaryAsync<ReleasePlanRequest, ReleasePlanReply>(
            "srm.v1.Srm", "ReleasePlan", new ReleasePlanRequest { PlanId = planId }, Timeout, cancellationToken);
        return reply.Released;
    }
}
