using Microsoft.Extensions.Configuration;
using RagService.Indexing;
using RagService.Search;

namespace RagService.Cli;

/// <summary>The engine as the CLI uses it: in-memory index, embedder from configuration (environment), built once per invocation.</summary>
public sealed class CliEngine
{
    private CliEngine(IEmbedder embedder, CodeIndex index, IndexReport report)
    {
        Embedder = embedder;
        Index = index;
        Report = report;
        // The service's Rag:Ranking weights, from the environment here (Rag__Ranking__History=0.6).
        Searcher = new HybridSearcher(embedder, Configuration().GetSection("Rag:Ranking").Get<RankingOptions>());
    }

    public IEmbedder Embedder { get; }
    public CodeIndex Index { get; }
    public IndexReport Report { get; }
    public HybridSearcher Searcher { get; }

    public static IConfiguration Configuration() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static async Task<CliEngine> BuildAsync(string root, CancellationToken cancellationToken)
    {
        var embedder = EmbedderFactory.Create(Configuration());
        var index = new CodeIndex();
        var indexer = new RepositoryIndexer(embedder, IndexingOptions.Default);
        var report = await CliProgress.RunAsync(progress => indexer.IndexAsync(root, index, progress: progress, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new CliEngine(embedder, index, report);
    }
}
