using System.Diagnostics.Metrics;

namespace ServiceDefaults.Metrics;

/// <summary>Bucket boundaries: explicit, then the instrument's advice, then OpenTelemetry's defaults for its unit.</summary>
internal static class HistogramBoundaries
{
    // OpenTelemetry semantic-convention buckets for durations in seconds.
    private static readonly double[] Seconds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // OpenTelemetry SDK default explicit buckets (suited to milliseconds).
    private static readonly double[] Milliseconds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    public static double[] For(Instrument instrument, PrometheusMetricsOptions options)
    {
        if (options.HistogramBoundaries.TryGetValue(instrument.Name, out var configured) && configured.Length > 0)
        {
            return Normalise(configured);
        }
        var advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries?.Select(b => b),
            Instrument<float> f => f.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<short> s => s.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<byte> b => b.Advice?.HistogramBucketBoundaries?.Select(v => (double)v),
            Instrument<decimal> m => m.Advice?.HistogramBucketBoundaries?.Select(v => (double)v),
            _ => null,
        };
        if (advised?.ToArray() is { Length: > 0 } advice)
        {
            return Normalise(advice);
        }
        return instrument.Unit == "s" ? Seconds : Milliseconds;
    }

    private static double[] Normalise(IEnumerable<double> boundaries) =>
        boundaries.Where(double.IsFinite).Distinct().Order().ToArray();
}
