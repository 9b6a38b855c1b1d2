using System.Diagnostics.Metrics;

namespace ServiceDefaults.Metrics;

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
            return new SumState(instrument, Name(instrument, counter: true), PrometheusType.Counter);
        }
        if (kind == typeof(UpDownCounter<>))
        {
            return new SumState(instrument, Name(instrument, counter: false), PrometheusType.Gauge);
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
