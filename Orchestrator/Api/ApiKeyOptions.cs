namespace Orchestrator.Api;

/// <summary>Bound from <c>Orchestrator</c>: when <see cref="ApiKeys"/> is non-empty, every endpoint but the probes and the page's files requires one of them (ApiKeyMiddleware).</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Orchestrator";

    public List<string> ApiKeys { get; set; } = [];
}
