namespace Tests.Orchestrator;

/// <summary>Tests that read process-wide metrics run on their own, not beside other tests' hosts.</summary>
[CollectionDefinition(nameof(ProcessWideMetrics), DisableParallelization = true)]
public sealed class ProcessWideMetrics;
