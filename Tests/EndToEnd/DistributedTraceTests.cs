namespace Tests.EndToEnd;

/// <summary>The services' OTLP export, as the dashboard receives it: one change request is one trace across the services.</summary>
[Collection(PipelineCollection.Name)]
public sealed class DistributedTraceTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task One_request_is_one_trace_with_spans_from_at_least_three_services()
    {
        var id = await pipeline.SubmitAsync("e2e-trace", "add greet() to the app and call it from main");
        await pipeline.WaitForStageAsync(id, "code_phase");

        // The request's trace starts at the Orchestrator's POST and crosses Kafka (traceparent) into the planner,
        // which calls RagService and Srm; exporters send in batches, so wait for them.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string[] services = [];
        while (DateTime.UtcNow < deadline)
        {
            var spans = pipeline.Telemetry.Spans.ToArray();
            // A submitted request's trace: the Orchestrator's publish of it on change.request.in (under its HTTP POST).
            var traceIds = spans.Where(s => s.Service == "orchestrator" && s.Name == "change.request.in publish").Select(s => s.TraceId).ToHashSet();
            services = spans.Where(s => traceIds.Contains(s.TraceId)).GroupBy(s => s.TraceId)
                .Select(g => g.Select(s => s.Service).Distinct().Order().ToArray())
                .OrderByDescending(g => g.Length).FirstOrDefault() ?? [];
            if (services.Length >= 3) break;
            await Task.Delay(500);
        }
        Assert.True(services.Length >= 3, $"no trace of a submitted request spans three services; best: [{string.Join(", ", services)}]; " +
            $"spans seen: [{string.Join(", ", pipeline.Telemetry.Spans.Select(s => $"{s.Service}:{s.Name}").Distinct().Take(60))}]");
        Assert.Contains("orchestrator", services);
        Assert.Contains("requestplanner", services);
        Assert.Contains("srm", services);
    }
}
