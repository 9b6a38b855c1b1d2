using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>How <see cref="LocalDistributedApplication"/> composes the system.</summary>
public sealed record LocalSystemOptions
{
    /// <summary>
    /// Where the kept local Postgres lives (its data directory is <c>{DataDirectory}/postgres</c>);
    /// null starts a throwaway server that is deleted on stop (tests).
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Folders RagService may index (its <c>Rag:WorkspaceRoots</c>).</summary>
    public IReadOnlyList<string> WorkspaceRoots { get; init; } = [];

    /// <summary>
    /// The AppHost's configuration: <c>ConnectionStrings:kafka</c>, <c>ConnectionStrings:postgres</c> and
    /// <c>ConnectionStrings:qdrant</c> replace the local infrastructure; <c>OpenAI:*</c> passes to the planner.
    /// </summary>
    public IConfiguration Configuration { get; init; } = new ConfigurationBuilder().Build();

    /// <summary>Extra environment per resource name (e.g. settings a test needs).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ExtraEnvironment { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Receives every output line of every resource: (resource name, line).</summary>
    public Action<string, string> Output { get; init; } = (_, _) => { };

    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Partitions of each pipeline topic on the dev broker.</summary>
    public int TopicPartitions { get; init; } = 4;
}
