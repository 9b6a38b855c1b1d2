using Contracts.Srm;

namespace RequestPlanner.Planning.Reservations;

/// <summary>Srm's all-or-nothing batch reservation (<c>srm.v1.Srm/ReserveBatch</c>); faked in unit tests.</summary>
public interface ISymbolReserver
{
    Task<ReserveBatchReply> ReserveBatchAsync(ReserveBatchRequest request, CancellationToken cancellationToken);
}
