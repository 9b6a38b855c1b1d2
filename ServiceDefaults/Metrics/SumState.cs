using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ServiceDefaults.Metrics;

/// <summary>Counter and UpDownCounter: the sum of everything added.</summary>
internal sealed class SumState(Instrument instrument, string metricName, PrometheusType type)
    : InstrumentState(instrument, metricName, type)
{
    private readonly ConcurrentDictionary<string, StrongBox> series = new(StringComparer.Ordinal);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Type == PrometheusType.Counter && value < 0)
        {
            return; // a counter never decreases; a negative Add is a caller bug, not data
        }
        var box = series.GetOrAdd(LabelSet.Render(tags), static _ => new StrongBox());
        lock (box)
        {
            box.Value += value;
        }
    }

    public override void ResetObserved()
    {
    }

    public override void WriteSeries(TextWriter writer)
    {
        foreach (var (labels, box) in series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            double value;
            lock (box)
            {
                value = box.Value;
            }
            WriteSample(writer, MetricName, LabelSet.Braced(labels), value);
        }
    }

    private sealed class StrongBox
    {
        public double Value;
    }
}
