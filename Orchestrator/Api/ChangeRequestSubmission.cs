namespace Orchestrator.Api;

/// <summary>Body of <c>POST /api/change-requests</c>.</summary>
public sealed record ChangeRequestSubmission(string? Repo, string? Branch, string? Description, string? Requester);
