using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Metrics;

/// <summary>
/// Listens to the service's System.Diagnostics.Metrics instruments and renders them in the Prometheus
/// text exposition format 0.0.4 (no Prometheus package: our own MeterListener and aggregation).
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly PrometheusMetricsOptions options;
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> states = new();
    private readonly Lock scrapeGate = new();
    private int started;

    public MetricsCollector(IOptions<PrometheusMetricsOptions> options)
    {
        this.options = options.Value;
        listener.InstrumentPublished = OnInstrumentPublished;
        listener.MeasurementsCompleted = (instrument, _) => states.TryRemove(instrument, out InstrumentState? _);
        listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentState)state!).Record((double)value, tags));
    }

    /// <summary>Starts listening (idempotent). Measurements made before this are not counted.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref started, 1) == 0)
        {
            listener.Start();
        }
    }

    public string Scrape()
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        WriteTo(writer);
        return writer.ToString();
    }

    public void WriteTo(TextWriter writer)
    {
        Start();
        lock (scrapeGate)
        {
            foreach (var state in states.Values)
            {
                state.ResetObserved();
            }
            listener.RecordObservableInstruments();

            // Instruments of different meters may share a name: one HELP/TYPE block for all of them.
            foreach (var family in states.Values.GroupBy(s => s.MetricName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var first = family.First();
                if (!string.IsNullOrWhiteSpace(first.Instrument.Description))
                {
                    writer.Write($"# HELP {family.Key} {PrometheusNaming.EscapeHelp(first.Instrument.Description)}\n");
                }
                writer.Write($"# TYPE {family.Key} {first.Type.ToString().ToLowerInvariant()}\n");
                foreach (var state in family.Where(s => s.Type == first.Type))
                {
                    state.WriteSeries(writer);
                }
            }
        }
    }

    public void Dispose() => listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener meterListener)
    {
        if (!options.Includes(instrument.Meter.Name))
        {
            return;
        }
        var state = InstrumentState.Create(instrument, options);
        if (state is not null && states.TryAdd(instrument, state))
        {
            meterListener.EnableMeasurementEvents(instrument, state);
        }
    }
}
