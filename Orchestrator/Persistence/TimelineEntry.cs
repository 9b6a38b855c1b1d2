using Orchestrator.Workflow;

namespace Orchestrator.Persistence;

/// <summary>A stored history row: its sequence number (the SSE event id) and the entry.</summary>
public sealed record TimelineEntry(long Seq, HistoryEntry Entry);
