using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServiceDefaults;
using Tests.Infrastructure;

namespace Tests.Hosting;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Traces_metrics_and_logs_are_exported_over_otlp_and_flushed_when_the_host_stops()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        const string service = "OtlpExportService";
        var host = await KestrelTestHost.StartAsync(service, builder => builder.AddServiceDefaults(), app => app.MapDefaultEndpoints(),
            collector.Settings("otlp-export-service"));
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

        Assert.Contains(collector.Received, r => r.Path == "/v1/traces" && Contains(r.Body, "otlp-test-span") && Contains(r.Body, "otlp-export-service"));
        Assert.Contains(collector.Received, r => r.Path == "/v1/metrics" && Contains(r.Body, "otlp.test.counter"));
        Assert.Contains(collector.Received, r => r.Path == "/v1/logs" && Contains(r.Body, "otlp-test-log"));
    }

    internal static bool Contains(byte[] body, string text) => Contains(body, Encoding.UTF8.GetBytes(text));

    internal static bool Contains(byte[] body, byte[] bytes) => body.AsSpan().IndexOf(bytes) >= 0;
}

/// <summary>An OTLP/HTTP endpoint that keeps every export it receives.</summary>
internal sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly KestrelTestHost host;

    private FakeOtlpCollector(KestrelTestHost host) => this.host = host;

    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        FakeOtlpCollector? collector = null;
        var host = await KestrelTestHost.StartAsync("FakeOtlpCollector", _ => { }, app =>
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector!.Received.Enqueue((context.Request.Path.Value!, body.ToArray()));
                return Results.Ok();
            }));
        collector = new FakeOtlpCollector(host);
        return collector;
    }

    /// <summary>The OTEL_* settings that send a service's telemetry here.</summary>
    public Dictionary<string, string?> Settings(string serviceName) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = host.Address.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = serviceName,
    };

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
