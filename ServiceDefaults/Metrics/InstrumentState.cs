using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ServiceDefaults.Metrics;

internal enum PrometheusType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>Aggregated series of one instrument, keyed by label set.</summary>
internal abstract class InstrumentState(Instrument instrument, string metricName, PrometheusType type)
{
    public Instrument Instrument { get; } = instrument;

    public string MetricName { get; } = metricName;

    public PrometheusType Type { get; } = type;

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Observable instruments report absolute values each collection; forget the previous ones.</summary>
    public abstract void ResetObserved();

    public abstract void WriteSeries(TextWriter writer);

    public static InstrumentState? Create(Instrument instrument, PrometheusMetricsOptions options)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }
        var kind = instrument.GetType().GetGenericTypeDefinition();
        if (kind == typeof(Counter<>))
        {
            return new SumState(instrument, Name(instrument, counter: true), PrometheusType.Counter, monotonic: true);
        }
        if (kind == typeof(UpDownCounter<>))
        {
            return new SumState(instrument, Name(instrument, counter: false), PrometheusType.Gauge, monotonic: false);
        }
        if (kind == typeof(ObservableCounter<>))
        {
            // Observed value is already the running total.
            return new LastValueState(instrument, Name(instrument, counter: true), PrometheusType.Counter);
        }
        if (kind == typeof(ObservableUpDownCounter<>) || kind == typeof(ObservableGauge<>) || kind == typeof(Gauge<>))
        {
            return new LastValueState(instrument, Name(instrument, counter: false), PrometheusType.Gauge);
        }
        if (kind == typeof(Histogram<>))
        {
            return new HistogramState(instrument, Name(instrument, counter: false), HistogramBoundaries.For(instrument, options));
        }
        return null;
    }

    private static string Name(Instrument instrument, bool counter) =>
        PrometheusNaming.MetricName(instrument.Name, instrument.Unit, counter);

    protected static void WriteSample(TextWriter writer, string name, string labels, double value)
    {
        writer.Write(name);
        writer.Write(labels);
        writer.Write(' ');
        writer.Write(PrometheusNaming.FormatValue(value));
        writer.Write('\n');
    }
}

/// <summary>Counter and UpDownCounter: the sum of everything added.</summary>
internal sealed class SumState(Instrument instrument, string metricName, PrometheusType type, bool monotonic)
    : InstrumentState(instrument, metricName, type)
{
    private readonly ConcurrentDictionary<string, StrongBox> series = new(StringComparer.Ordinal);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (monotonic && value < 0)
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

/// <summary>Histogram: per-bucket counts (written cumulatively), sum and count.</summary>
internal sealed class HistogramState(Instrument instrument, string metricName, double[] boundaries)
    : InstrumentState(instrument, metricName, PrometheusType.Histogram)
{
    private readonly ConcurrentDictionary<string, Buckets> series = new(StringComparer.Ordinal);
    private readonly string[] upperBounds = boundaries.Select(PrometheusNaming.FormatValue).Append("+Inf").ToArray();

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value))
        {
            return;
        }
        var buckets = series.GetOrAdd(LabelSet.Render(tags), _ => new Buckets(boundaries.Length + 1));
        // First boundary >= value ("le" is inclusive); beyond the last one is the +Inf bucket.
        var index = Array.BinarySearch(boundaries, value);
        if (index < 0)
        {
            index = ~index;
        }
        lock (buckets)
        {
            buckets.Counts[index]++;
            buckets.Sum += value;
            buckets.Count++;
        }
    }

    public override void ResetObserved()
    {
    }

    public override void WriteSeries(TextWriter writer)
    {
        foreach (var (labels, buckets) in series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            long[] counts;
            double sum;
            long count;
            lock (buckets)
            {
                counts = (long[])buckets.Counts.Clone();
                sum = buckets.Sum;
                count = buckets.Count;
            }
            long cumulative = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                cumulative += counts[i];
                WriteSample(writer, MetricName + "_bucket", LabelSet.Braced(labels, $"le=\"{upperBounds[i]}\""), cumulative);
            }
            WriteSample(writer, MetricName + "_sum", LabelSet.Braced(labels), sum);
            WriteSample(writer, MetricName + "_count", LabelSet.Braced(labels), count);
        }
    }

    private sealed class Buckets(int length)
    {
        public readonly long[] Counts = new long[length];
        public double Sum;
        public long Count;
    }
}
