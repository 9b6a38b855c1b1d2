namespace ServiceDefaults.Metrics;

/// <summary>The Prometheus metric type an instrument is exposed as (# TYPE line).</summary>
internal enum PrometheusType
{
    Counter,
    Gauge,
    Histogram,
}
