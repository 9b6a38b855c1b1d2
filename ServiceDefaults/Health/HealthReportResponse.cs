namespace ServiceDefaults.Health;

/// <summary>Body of /health and /alive.</summary>
public sealed record HealthReportResponse(string Status, double TotalDurationMs, IReadOnlyList<HealthCheckEntryResponse> Checks);

/// <summary>One check's outcome. Exception messages are left out on purpose: they may carry connection details.</summary>
public sealed record HealthCheckEntryResponse(string Name, string Status, string? Description, double DurationMs, IReadOnlyList<string> Tags);
