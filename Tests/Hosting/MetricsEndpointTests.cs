using System.Diagnostics.Metrics;
using Contracts.Core;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Metrics;
using Orchestrator.Workflow;
using RequestPlanner.Planning;
using ServiceDefaults;
using Tests.Infrastructure;

namespace Tests.Hosting;

/// <summary>/metrics is OpenTelemetry's Prometheus exporter; the seed's counters keep the names its dashboards know.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task The_orchestrators_stage_counter_is_scraped_as_orch_stage_total_by_stage()
    {
        await using var host = await KestrelTestHost.StartAsync(OrchestratorMetrics.MeterName, builder =>
        {
            builder.AddServiceDefaults();
            builder.Services.AddSingleton<OrchestratorMetrics>();
        }, app => app.MapDefaultEndpoints());
        var metrics = host.Services.GetRequiredService<OrchestratorMetrics>();
        var source = new MessageSource(MessageSource.HttpTopic, null, null, "m-1");
        metrics.Recorded(new HistoryEntry(DateTimeOffset.UnixEpoch, Trigger.Crq, Stage.PlanPhase, Stage.PlanPhase, Applied: true, "", source), TimeSpan.FromMilliseconds(3));
        metrics.Recorded(new HistoryEntry(DateTimeOffset.UnixEpoch, Trigger.Plan, Stage.PlanPhase, Stage.CodePhase, Applied: true, "", source), TimeSpan.FromMilliseconds(3));
        metrics.Recorded(new HistoryEntry(DateTimeOffset.UnixEpoch, Trigger.Plan, Stage.PlanPhase, Stage.CodePhase, Applied: true, "", source), TimeSpan.FromMilliseconds(3));

        var scrape = await ScrapeAsync(host);

        Assert.Equal("counter", scrape.Types["orch_stage_total"]);
        var series = scrape.Series("orch_stage_total").ToDictionary(s => s.Labels["stage"], s => s.Value);
        Assert.Equal(1, series[Stage.PlanPhase.Name()]);
        Assert.Equal(2, series[Stage.CodePhase.Name()]);
        Assert.Equal("histogram", scrape.Types["orch_transition_duration_seconds"]);
    }

    [Fact]
    public async Task The_planners_plan_counter_is_scraped_as_rp_plans_total_by_status()
    {
        await using var host = await KestrelTestHost.StartAsync(PlannerMetrics.MeterName, builder =>
        {
            builder.AddServiceDefaults();
            builder.Services.AddSingleton<PlannerMetrics>();
        }, app => app.MapDefaultEndpoints());
        var metrics = host.Services.GetRequiredService<PlannerMetrics>();
        metrics.PlanEmitted(PlanStatus.Ready, "retrieval", TimeSpan.FromSeconds(1));
        metrics.PlanEmitted(PlanStatus.Failed, "llm:gpt-4o-mini", TimeSpan.FromSeconds(1));

        var scrape = await ScrapeAsync(host);

        Assert.Equal("counter", scrape.Types["rp_plans_total"]);
        var series = scrape.Series("rp_plans_total").ToList();
        Assert.Equal(1, series.Single(s => s.Labels["status"] == "Ready" && s.Labels["planner"] == "retrieval").Value);
        Assert.Equal(1, series.Single(s => s.Labels["status"] == "Failed" && s.Labels["planner"] == "llm").Value);
    }

    [Fact]
    public async Task Only_the_services_own_meters_and_the_instrumented_frameworks_are_exported()
    {
        const string service = "MetricsScopeService";
        await using var host = await KestrelTestHost.StartAsync(service, builder => builder.AddServiceDefaults(), app => app.MapDefaultEndpoints());
        using var own = new Meter($"{service}.Orders");
        using var unrelated = new Meter("UnrelatedLibrary.Meter");
        own.CreateCounter<long>("orders.placed", unit: "{order}").Add(2);
        unrelated.CreateCounter<long>("unrelated.calls").Add(1);
        await host.Client.GetStringAsync("/alive");

        var scrape = await ScrapeAsync(host);

        Assert.Equal(2, scrape.Series("orders_placed_total").Single().Value);
        Assert.DoesNotContain(scrape.Samples, s => s.Name.StartsWith("unrelated", StringComparison.Ordinal));
        Assert.Contains(scrape.Samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal)); // runtime instrumentation
    }

    private static async Task<PrometheusText> ScrapeAsync(KestrelTestHost host)
    {
        using var response = await host.Client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }
}
