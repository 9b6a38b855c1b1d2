using System.Diagnostics.Metrics;
using Contracts.Core;
using Orchestrator.Workflow;

namespace Orchestrator.Metrics;

/// <summary>
/// Meter "Orchestrator": <c>orch_stage_total{stage}</c> (the seed's counter: transitions into each stage),
/// <c>orch_transition_duration_seconds{trigger}</c> (input received → transaction committed),
/// <c>orch_requests{stage}</c> and <c>orch_requests_stalled</c> (gauges sampled from the database).
/// </summary>
public sealed class OrchestratorMetrics
{
    public const string MeterName = "Orchestrator";

    private readonly Counter<long> stageTotal;
    private readonly Counter<long> ignoredTotal;
    private readonly Counter<long> duplicatesTotal;
    private readonly Histogram<double> transitionDuration;
    private volatile StageCounts counts = StageCounts.Empty;

    public OrchestratorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        stageTotal = meter.CreateCounter<long>("orch_stage_total", description: "Transitions into each stage.");
        ignoredTotal = meter.CreateCounter<long>("orch_ignored_triggers_total", description: "Triggers not valid in the request's stage, recorded and ignored.");
        duplicatesTotal = meter.CreateCounter<long>("orch_duplicate_messages_total", description: "Redelivered messages rejected by the inbox.");
        transitionDuration = meter.CreateHistogram<double>("orch_transition_duration_seconds", unit: "s",
            description: "From receiving an input to committing its transition.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        meter.CreateObservableGauge("orch_requests", ObserveStages, description: "Requests currently in each stage.");
        meter.CreateObservableGauge("orch_requests_stalled", () => counts.Stalled,
            description: "Non-terminal requests without a transition for longer than Orchestrator:Workflow:StalledAfter.");
    }

    public void Recorded(HistoryEntry entry, TimeSpan elapsed)
    {
        if (!entry.Applied)
        {
            ignoredTotal.Add(1, new KeyValuePair<string, object?>("trigger", entry.Trigger.Name()));
            return;
        }
        stageTotal.Add(1, new KeyValuePair<string, object?>("stage", entry.To.Name()));
        transitionDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("trigger", entry.Trigger.Name()));
    }

    public void Duplicate(string topic) => duplicatesTotal.Add(1, new KeyValuePair<string, object?>("topic", topic));

    public void Update(StageCounts sample) => counts = sample;

    private IEnumerable<Measurement<long>> ObserveStages()
    {
        var snapshot = counts;
        foreach (var stage in WorkflowNames.Stages)
        {
            yield return new Measurement<long>(snapshot.PerStage.GetValueOrDefault(stage),
                new KeyValuePair<string, object?>("stage", stage.Name()));
        }
    }
}

/// <summary>A sample of how many requests are in each stage and how many are stalled.</summary>
public sealed record StageCounts(IReadOnlyDictionary<Stage, long> PerStage, long Stalled)
{
    public static StageCounts Empty { get; } = new(new Dictionary<Stage, long>(), 0);
}
