using Contracts.Srm;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Orchestrator.Leases;

/// <summary>Calls <c>srm.v1.Srm/ReleasePlan</c> (idempotent: the client retries it on UNAVAILABLE within the deadline).</summary>
public sealed class SrmLeaseReleaser(SrmClient srm, TimeProvider clock) : ILeaseReleaser
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<int> ReleasePlanAsync(string planId, CancellationToken cancellationToken)
    {
        var reply = await srm.ReleasePlanAsync(new ReleasePlanRequest { PlanId = planId },
            deadline: clock.GetUtcNow().UtcDateTime + Timeout, cancellationToken: cancellationToken);
        return reply.Released;
    }
}
