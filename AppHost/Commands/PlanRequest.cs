namespace AppHost.Commands;

/// <summary>The arguments of one <c>plan</c> run.</summary>
public sealed record PlanRequest(string RepositoryPath, string? Branch, string Description, bool Json, bool Verbose, bool KeepLeases, TimeSpan Timeout);
