using Orchestrator.Workflow;

namespace Orchestrator.Persistence;

/// <summary>One page of requests, newest first.</summary>
public sealed record RequestPage(IReadOnlyList<RequestState> Items, int Page, int PageSize, long Total);
