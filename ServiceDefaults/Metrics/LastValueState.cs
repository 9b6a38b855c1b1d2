using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ServiceDefaults.Metrics;

/// <summary>Gauges and observable instruments: the last value reported.</summary>
internal sealed class LastValueState(Instrument instrument, string metricName, PrometheusType type)
    : InstrumentState(instrument, metricName, type)
{
    private readonly ConcurrentDictionary<string, double> series = new(StringComparer.Ordinal);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        series[LabelSet.Render(tags)] = value;

    public override void ResetObserved()
    {
        if (Instrument.IsObservable)
        {
            series.Clear();
        }
    }

    public override void WriteSeries(TextWriter writer)
    {
        foreach (var (labels, value) in series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            WriteSample(writer, MetricName, LabelSet.Braced(labels), value);
        }
    }
}
