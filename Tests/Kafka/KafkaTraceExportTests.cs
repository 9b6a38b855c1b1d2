using System.Diagnostics;
using Contracts.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults;
using ServiceDefaults.Kafka;
using Tests.Hosting;
using Tests.Infrastructure;

namespace Tests.Kafka;

/// <summary>What the dashboard shows: one trace from an HTTP submit, across Kafka, to the message it caused.</summary>
public sealed class KafkaTraceExportTests(DevKafkaFixture broker) : IClassFixture<DevKafkaFixture>
{
    [Fact]
    public async Task An_http_submit_and_the_plan_it_causes_are_exported_over_otlp_under_one_trace_id()
    {
        var requests = broker.CreateTopicWithDeadLetter("trace-in");
        var plans = broker.CreateTopicWithDeadLetter("trace-out");
        await using var collector = await FakeOtlpCollector.StartAsync();

        var planner = await KestrelTestHost.StartAsync("TracePlanner", builder =>
        {
            builder.AddServiceDefaults();
            builder.AddKafkaConsumer(KafkaConnectionName, options =>
            {
                options.GroupId = $"trace-planner-{Guid.NewGuid():N}";
                options.Topics = [requests];
            }, (services, message, cancellationToken) =>
            {
                var request = message.Parse<ChangeRequest>();
                return services.GetRequiredService<IKafkaPublisher>().PublishAsync(plans, request.Id, new Plan { Id = "plan-" + request.Id }, cancellationToken);
            });
        }, app => app.MapDefaultEndpoints(), Settings(collector, "trace-planner"));
        var front = await KestrelTestHost.StartAsync("TraceFront", builder =>
        {
            builder.AddServiceDefaults();
            builder.AddKafkaPublisher(KafkaConnectionName);
        }, app => app.MapPost("/submit", async (IKafkaPublisher publisher, CancellationToken cancellationToken) =>
        {
            await publisher.PublishAsync(requests, "cr-traced", new ChangeRequest { Id = "cr-traced" }, cancellationToken);
            return Activity.Current!.TraceId.ToHexString();
        }), Settings(collector, "trace-front"));

        using var response = await front.Client.PostAsync("/submit", null);
        var traceId = ActivityTraceId.CreateFromString(await response.Content.ReadAsStringAsync());
        var plan = Assert.Single(KafkaTestKit.ReadFromStart(broker.BootstrapServers, plans, 1));
        await front.DisposeAsync();  // stopping a host flushes its exporters
        await planner.DisposeAsync();

        Assert.Contains(traceId.ToHexString(), KafkaTestKit.Header(plan, KafkaHeaderNames.TraceParent));
        var traceIdBytes = new byte[16];
        traceId.CopyTo(traceIdBytes);
        var traces = collector.Received.Where(r => r.Path == "/v1/traces" && TelemetryTests.Contains(r.Body, traceIdBytes)).ToList();
        Assert.Contains(traces, r => TelemetryTests.Contains(r.Body, "trace-front") && TelemetryTests.Contains(r.Body, $"{requests} publish"));
        Assert.Contains(traces, r => TelemetryTests.Contains(r.Body, "trace-planner") && TelemetryTests.Contains(r.Body, $"{requests} process")
            && TelemetryTests.Contains(r.Body, $"{plans} publish"));
    }

    private const string KafkaConnectionName = "kafka";

    private Dictionary<string, string?> Settings(FakeOtlpCollector collector, string serviceName) =>
        new(collector.Settings(serviceName)) { [$"ConnectionStrings:{KafkaConnectionName}"] = broker.BootstrapServers };
}
