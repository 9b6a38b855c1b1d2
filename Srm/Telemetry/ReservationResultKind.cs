namespace Srm.Telemetry;

/// <summary>Outcome of a reservation call, as counted by <c>srm_reservations_total</c>.</summary>
public enum ReservationResultKind
{
    Granted,
    Renewed,
    Conflict,
    Invalid,
}
