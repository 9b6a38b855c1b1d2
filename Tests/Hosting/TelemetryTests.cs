using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDefaults;
using ServiceDefaults.Telemetry;
using Tests.Infrastructure;

namespace Tests.Hosting;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Without_an_otlp_endpoint_no_providers_are_built()
    {
        await using var host = await KestrelTestHost.StartAsync("NoOtlpService", builder => builder.AddServiceDefaults(), app => app.MapDefaultEndpoints(),
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "" });

        var providers = host.Services.GetRequiredService<TelemetryProviders>();

        Assert.False(providers.Options.ExportsOtlp);
        Assert.Null(providers.TracerProvider);
        Assert.Null(providers.MeterProvider);
    }

    [Fact]
    public async Task Traces_metrics_and_logs_are_exported_over_otlp_and_flushed_when_the_host_stops()
    {
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        await using var collector = await KestrelTestHost.StartAsync("FakeOtlpCollector", _ => { }, app =>
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                received.Enqueue((context.Request.Path.Value!, body.ToArray()));
                return Results.Ok();
            }));

        const string service = "OtlpExportService";
        var host = await KestrelTestHost.StartAsync(service, builder => builder.AddServiceDefaults(), app => app.MapDefaultEndpoints(),
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "otlp-export-service",
            });
        using (var source = new ActivitySource($"{service}.Work"))
        using (var meter = new System.Diagnostics.Metrics.Meter($"{service}.Work"))
        {
            using (var activity = source.StartActivity("otlp-test-span"))
            {
                Assert.NotNull(activity); // the tracer provider listens to the service's own sources
                Assert.Equal(ActivityIdFormat.W3C, activity.IdFormat);
            }
            meter.CreateCounter<long>("otlp.test.counter").Add(3);
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OtlpTest").LogWarning("otlp-test-log {Value}", 42);
            await host.DisposeAsync(); // stopping the host flushes and disposes the providers
        }

        Assert.Contains(received, r => r.Path == "/v1/traces" && Contains(r.Body, "otlp-test-span") && Contains(r.Body, "otlp-export-service"));
        Assert.Contains(received, r => r.Path == "/v1/metrics" && Contains(r.Body, "otlp.test.counter"));
        Assert.Contains(received, r => r.Path == "/v1/logs" && Contains(r.Body, "otlp-test-log"));
    }

    private static bool Contains(byte[] body, string text) =>
        body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
