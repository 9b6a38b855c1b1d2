using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServiceDefaults.Telemetry;

/// <summary>
/// Owns the OpenTelemetry tracer and meter providers. OpenTelemetry.Extensions.Hosting is not available
/// here, so the host owns them through this singleton: built at startup, flushed and disposed with the
/// service provider. Without an OTLP endpoint nothing is built (no exporter, no overhead).
/// </summary>
public sealed class TelemetryProviders(IOptions<TelemetryOptions> options) : IDisposable
{
    private readonly Lock gate = new();
    private bool disposed;

    public TracerProvider? TracerProvider { get; private set; }

    public MeterProvider? MeterProvider { get; private set; }

    public TelemetryOptions Options => options.Value;

    /// <summary>Builds the providers once; idempotent.</summary>
    public void EnsureStarted()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var settings = options.Value;
            if (!settings.ExportsOtlp || TracerProvider is not null)
            {
                return;
            }

            var resource = ResourceBuilder.CreateDefault().AddService(settings.ServiceName);
            var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource);
            foreach (var source in settings.ActivitySources)
            {
                tracing.AddSource(source);
            }
            TracerProvider = tracing.AddOtlpExporter(o => OtlpSettings.Apply(settings, o, "traces")).Build();

            var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource);
            foreach (var meter in settings.Meters)
            {
                metrics.AddMeter(meter);
            }
            MeterProvider = metrics.AddOtlpExporter(o => OtlpSettings.Apply(settings, o, "metrics")).Build();
        }
    }

    public void ForceFlush(TimeSpan timeout)
    {
        var milliseconds = (int)timeout.TotalMilliseconds;
        TracerProvider?.ForceFlush(milliseconds);
        MeterProvider?.ForceFlush(milliseconds);
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            // Dispose flushes what is still buffered.
            TracerProvider?.Dispose();
            MeterProvider?.Dispose();
        }
    }
}
