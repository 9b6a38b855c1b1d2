namespace Orchestrator.Api;

/// <summary>Bound from <c>Orchestrator</c>: when <see cref="ApiKeys"/> is non-empty, submitting requires one of them.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Orchestrator";

    public List<string> ApiKeys { get; set; } = [];
}
