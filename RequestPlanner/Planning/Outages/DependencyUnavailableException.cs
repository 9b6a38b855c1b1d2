namespace RequestPlanner.Planning.Outages;

/// <summary>A dependency of planning (the LLM, RagService, Srm) could not answer; another try later may succeed.</summary>
public sealed class DependencyUnavailableException(string dependency, Exception inner)
    : Exception($"{dependency} is unavailable: {inner.Message}", inner)
{
    public string Dependency { get; } = dependency;
}
