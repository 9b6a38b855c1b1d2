using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Srm.Telemetry;

/// <summary>
/// The Srm's meter and activity source (both named "Srm"):
/// <c>srm_reservations_total{result=granted|renewed|conflict|invalid, method}</c>,
/// <c>srm_live_leases</c> (refreshed by the sweeper), <c>srm_request_duration_seconds{method, status}</c>.
/// </summary>
public sealed class SrmTelemetry : IDisposable
{
    public const string Name = "Srm";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter meter;
    private readonly Counter<long> reservations;
    private readonly Histogram<double> duration;
    private long liveLeases = -1;

    public SrmTelemetry(IMeterFactory meterFactory)
    {
        meter = meterFactory.Create(Name);
        reservations = meter.CreateCounter<long>(
            "srm_reservations_total", unit: "{reservation}",
            description: "Reserve and ReserveBatch calls by result: granted (new lease), renewed (plan already held it), conflict, invalid.");
        duration = meter.CreateHistogram<double>(
            "srm_request_duration_seconds", unit: "s", description: "Time to answer an Srm gRPC call.");
        meter.CreateObservableGauge(
            "srm_live_leases", ObserveLiveLeases, unit: "{lease}", description: "Live leases at the last sweep.");
    }

    public void RecordReservation(string method, ReservationResultKind result) =>
        reservations.Add(1, new KeyValuePair<string, object?>("result", ToTag(result)), new KeyValuePair<string, object?>("method", method));

    public void RecordDuration(string method, string status, TimeSpan elapsed) =>
        duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", status));

    public void SetLiveLeases(long count) => Interlocked.Exchange(ref liveLeases, count);

    public void Dispose() => meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveLiveLeases()
    {
        var count = Interlocked.Read(ref liveLeases);
        // Nothing to report before the first sweep has counted.
        return count < 0 ? [] : [new Measurement<long>(count)];
    }

    private static string ToTag(ReservationResultKind result) => result switch
    {
        ReservationResultKind.Granted => "granted",
        ReservationResultKind.Renewed => "renewed",
        ReservationResultKind.Conflict => "conflict",
        _ => "invalid",
    };
}
