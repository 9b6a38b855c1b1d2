using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ServiceDefaults.Metrics;

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
