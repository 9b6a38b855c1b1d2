using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ServiceDefaults.Health;
using ServiceDefaults.Metrics;
using ServiceDefaults.Telemetry;

namespace ServiceDefaults;

/// <summary>What every service shares: telemetry, health, metrics, service discovery.</summary>
public static class Extensions
{
    /// <summary>
    /// OpenTelemetry (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set), Prometheus /metrics collection,
    /// health checks (a "self" liveness check; dependencies add "ready" checks), and on every HttpClient made by
    /// IHttpClientFactory the standard resilience handler and service discovery, as Aspire's template does
    /// (gRPC clients drop the resilience handler: see GrpcClientExtensions).
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(ServiceDefaultsMarker)))
        {
            return builder; // already added: health check names must stay unique
        }
        builder.Services.AddSingleton<ServiceDefaultsMarker>();
        builder.AddTelemetry();
        builder.AddPrometheusMetrics();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("Process is running."), [HealthTags.Live]);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>/health (readiness), /alive (liveness) and /metrics (Prometheus text), in every environment.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapPrometheusMetrics();
        return app;
    }
}

internal sealed class ServiceDefaultsMarker;
