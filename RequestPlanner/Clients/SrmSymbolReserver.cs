using Contracts.Srm;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Reservations;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace RequestPlanner.Clients;

/// <summary>
/// <c>srm.v1.Srm/ReserveBatch</c>. Safe to retry: Srm hands a plan its own leases back, so a reply lost in
/// transit costs nothing when the call is retried or the message redelivered.
/// </summary>
public sealed class SrmSymbolReserver(SrmClient srm, PlannerOptions options, TimeProvider clock) : ISymbolReserver
{
    public async Task<ReserveBatchReply> ReserveBatchAsync(ReserveBatchRequest request, CancellationToken cancellationToken) =>
        await srm.ReserveBatchAsync(request, deadline: options.DeadlineFrom(clock), cancellationToken: cancellationToken);
}
