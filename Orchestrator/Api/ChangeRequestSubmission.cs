namespace Orchestrator.Api;

/// <summary>Body of <c>POST /api/change-requests</c>; <paramref name="Review"/> asks for the plan to wait in plan_review (the web page asks).</summary>
public sealed record ChangeRequestSubmission(string? Repo, string? Branch, string? Description, string? Requester, bool? Review = null);
