using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Metrics;

public static class MetricsBuilderExtensions
{
    /// <summary>Registers the Prometheus collector; meters default to the service's own names and ServiceDefaults.</summary>
    public static IHostApplicationBuilder AddPrometheusMetrics(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(MetricsCollector)))
        {
            return builder;
        }
        var applicationName = builder.Environment.ApplicationName;
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"];
        builder.Services.AddOptions<PrometheusMetricsOptions>()
            .Bind(builder.Configuration.GetSection("Metrics"))
            .PostConfigure(o =>
            {
                if (o.MeterPrefixes.Count == 0)
                {
                    o.MeterPrefixes.AddRange(new[] { applicationName, serviceName, Telemetry.TelemetryNames.ServiceDefaultsPrefix }
                        .Where(n => !string.IsNullOrWhiteSpace(n))
                        .Select(n => n!));
                }
            });
        builder.Services.AddSingleton<MetricsCollector>();
        builder.Services.AddHostedService<MetricsHostedService>();
        return builder;
    }

    /// <summary>GET /metrics in Prometheus text format 0.0.4.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics") =>
        endpoints.MapGet(path, (MetricsCollector collector) => Results.Text(collector.Scrape(), MetricsCollector.ContentType));
}
