namespace ServiceDefaults.Metrics;

/// <summary>Which meters /metrics shows and how histograms are bucketed. Bound from the "Metrics" section.</summary>
public sealed class PrometheusMetricsOptions
{
    /// <summary>
    /// Meter name prefixes listened to (case-insensitive). Default: the application name, OTEL_SERVICE_NAME
    /// and "ServiceDefaults". Add e.g. "System.Runtime" or "Npgsql" to expose framework meters too.
    /// </summary>
    public List<string> MeterPrefixes { get; } = [];

    /// <summary>Explicit bucket boundaries per instrument name; otherwise the instrument's advice, otherwise defaults by unit.</summary>
    public Dictionary<string, double[]> HistogramBoundaries { get; } = new(StringComparer.Ordinal);

    public bool Includes(string meterName) =>
        MeterPrefixes.Any(prefix => meterName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
