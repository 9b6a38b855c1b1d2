using Srm.Leases;

namespace Srm.Validation;

/// <summary>A validated Reserve or ReserveBatch call.</summary>
public sealed record ReservationRequest(string PlanId, int TtlSeconds, IReadOnlyList<SymbolReservation> Items);
