using System.Diagnostics.Metrics;

namespace RagService.Repositories;

/// <summary>The service's own instruments (meter "RagService", exported at /metrics and over OTLP).</summary>
public sealed class RagMetrics
{
    public const string MeterName = "RagService";

    public RagMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        IndexRuns = meter.CreateCounter<long>("rag.index.runs", description: "Indexing runs by outcome.");
        FilesIndexed = meter.CreateCounter<long>("rag.index.files_changed", description: "Files chunked and embedded (new or changed).");
        IndexDuration = meter.CreateHistogram<double>("rag.index.duration", unit: "ms", description: "Duration of indexing runs.");
        SearchDuration = meter.CreateHistogram<double>("rag.search.duration", unit: "ms", description: "Duration of hybrid searches, including any refresh.");
        Searches = meter.CreateCounter<long>("rag.search.requests", description: "Hybrid searches by outcome.");
    }

    public Counter<long> IndexRuns { get; }
    public Counter<long> FilesIndexed { get; }
    public Histogram<double> IndexDuration { get; }
    public Histogram<double> SearchDuration { get; }
    public Counter<long> Searches { get; }
}
