using System.Diagnostics.Metrics;
using System.Globalization;
using ServiceDefaults;
using Tests.Infrastructure;

namespace Tests.Hosting;

public sealed class MetricsEndpointTests
{
    private const string Note = "a \"quoted\" \\ value\nsecond line";

    [Fact]
    public async Task Metrics_are_scraped_over_http_in_prometheus_text_format()
    {
        const string service = "MetricsScrapeService";
        await using var host = await KestrelTestHost.StartAsync(service, builder => builder.AddServiceDefaults(), app => app.MapDefaultEndpoints());
        using var meter = new Meter($"{service}.Orders");
        using var unrelated = new Meter("UnrelatedLibrary.Meter");
        var placed = meter.CreateCounter<long>("orders.placed", description: "Orders placed\nper region");
        var duration = meter.CreateHistogram<double>("orders.duration", unit: "ms", description: "Time to place an order");
        var inFlight = meter.CreateUpDownCounter<int>("orders.in_flight");
        var queueDepth = 7;
        meter.CreateObservableGauge("orders.queue_depth", () => queueDepth);
        unrelated.CreateCounter<long>("unrelated.calls").Add(1);

        placed.Add(2, new("region", "eu"), new("note", Note));
        placed.Add(1, new("region", "eu"), new("note", Note));
        placed.Add(2, new KeyValuePair<string, object?>("region", "us"));
        foreach (var value in new[] { 3.0, 30, 300, 3000, 30000 })
        {
            duration.Record(value, new KeyValuePair<string, object?>("outcome", "ok"));
        }
        inFlight.Add(5);
        inFlight.Add(-2);

        using var response = await host.Client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var scrape = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        // Counter: _total suffix, labels from tags, escaped values round-trip.
        Assert.Equal("counter", scrape.Types["orders_placed_total"]);
        Assert.Equal("Orders placed\nper region", scrape.Help["orders_placed_total"]);
        var counters = scrape.Series("orders_placed_total").ToList();
        Assert.Equal(2, counters.Count);
        Assert.Equal(3, counters.Single(s => s.Labels["region"] == "eu" && s.Labels["note"] == Note).Value);
        Assert.Equal(2, counters.Single(s => s.Labels["region"] == "us").Value);

        // Histogram: unit suffix, cumulative buckets ending in +Inf == count, sum and count.
        const string histogram = "orders_duration_milliseconds";
        Assert.Equal("histogram", scrape.Types[histogram]);
        var buckets = scrape.Series(histogram + "_bucket")
            .Select(s => (Le: ParseLe(s.Labels["le"]), s.Value, Outcome: s.Labels["outcome"]))
            .OrderBy(b => b.Le)
            .ToList();
        Assert.All(buckets, b => Assert.Equal("ok", b.Outcome));
        Assert.True(buckets.Count > 2);
        for (var i = 1; i < buckets.Count; i++)
        {
            Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"bucket le={buckets[i].Le} is not cumulative");
        }
        Assert.Equal(double.PositiveInfinity, buckets[^1].Le);
        Assert.Equal(5, buckets[^1].Value);
        Assert.Equal(1, buckets.Single(b => b.Le == 5).Value);
        Assert.Equal(2, buckets.Single(b => b.Le == 50).Value);
        Assert.Equal(3, buckets.Single(b => b.Le == 500).Value);
        Assert.Equal(4, buckets.Single(b => b.Le == 5000).Value);
        Assert.Equal(4, buckets.Single(b => b.Le == 10000).Value);
        Assert.Equal(33333, scrape.Series(histogram + "_sum").Single().Value);
        Assert.Equal(5, scrape.Series(histogram + "_count").Single().Value);

        // Up-down counter and observable gauge are gauges.
        Assert.Equal("gauge", scrape.Types["orders_in_flight"]);
        Assert.Equal(3, scrape.Series("orders_in_flight").Single().Value);
        Assert.Equal("gauge", scrape.Types["orders_queue_depth"]);
        Assert.Equal(7, scrape.Series("orders_queue_depth").Single().Value);

        // Only the service's own meters by default.
        Assert.DoesNotContain(scrape.Samples, s => s.Name.StartsWith("unrelated", StringComparison.Ordinal));

        // Observable instruments are read at each scrape; counters keep accumulating.
        queueDepth = 11;
        placed.Add(4, new KeyValuePair<string, object?>("region", "us"));
        var again = PrometheusText.Parse(await host.Client.GetStringAsync("/metrics"));
        Assert.Equal(11, again.Series("orders_queue_depth").Single().Value);
        Assert.Equal(6, again.Series("orders_placed_total").Single(s => s.Labels["region"] == "us").Value);
    }

    [Fact]
    public async Task Seconds_histograms_get_second_buckets_and_extra_meters_can_be_configured()
    {
        const string service = "MetricsConfigService";
        await using var host = await KestrelTestHost.StartAsync(service, builder => builder.AddServiceDefaults(), app => app.MapDefaultEndpoints(),
            new Dictionary<string, string?>
            {
                ["Metrics:MeterPrefixes:0"] = service,
                ["Metrics:MeterPrefixes:1"] = "ThirdParty.Client",
            });
        using var own = new Meter($"{service}.Work");
        using var thirdParty = new Meter("ThirdParty.Client");
        own.CreateHistogram<double>("work.latency", unit: "s").Record(0.02);
        thirdParty.CreateCounter<int>("requests").Add(9);

        var scrape = PrometheusText.Parse(await host.Client.GetStringAsync("/metrics"));

        var les = scrape.Series("work_latency_seconds_bucket").Select(s => s.Labels["le"]).ToList();
        Assert.Contains("0.005", les);
        Assert.Contains("0.025", les);
        Assert.Equal(1, scrape.Series("work_latency_seconds_bucket").Single(s => s.Labels["le"] == "0.025").Value);
        Assert.Equal(0, scrape.Series("work_latency_seconds_bucket").Single(s => s.Labels["le"] == "0.01").Value);
        Assert.Equal(9, scrape.Series("requests_total").Single().Value);
    }

    private static double ParseLe(string le) =>
        le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
}
