using System.Diagnostics;
using RagService.History;
using RagService.Indexing;
using RagService.Search;

namespace RagService.Evaluation;

/// <summary>
/// Runs the commit-history benchmark: per repository, each case's parent tree is written to a temporary folder
/// (<see cref="TreeMaterializer"/>, oldest case first, only the differences) and indexed incrementally, and the index
/// gets the history up to that parent (never the commit itself); every ranking variant answers the case's query from
/// the same index, so variants differ only in ranking.
/// </summary>
public sealed class EvalRunner(IEmbedder embedder, TextWriter progress)
{
    public sealed record Variant(string Name, RankingOptions Ranking);

    public sealed record Outcome(string Language, string Variant, RetrievalMetrics Metrics);

    public async Task<List<Outcome>> RunAsync(IReadOnlyList<EvalCase> cases, Func<string, string> gitDirOf, IReadOnlyList<Variant> variants, float alpha, CancellationToken cancellationToken)
    {
        var results = new Dictionary<(string Language, string Variant), RetrievalMetrics>();
        var searchers = variants.Select(v => (v.Name, Searcher: new HybridSearcher(embedder, v.Ranking))).ToList();
        foreach (var repository in cases.GroupBy(c => c.Repository))
        {
            var gitDir = gitDirOf(repository.Key);
            var mined = new List<MinedCase>();
            foreach (var c in repository)
            {
                if (await CommitCases.RegenerateAsync(gitDir, c, cancellationToken).ConfigureAwait(false) is { } m) mined.Add(m);
                else progress.WriteLine($"  {repository.Key} {c.Commit[..Math.Min(12, c.Commit.Length)]}: not a case in this snapshot; skipped");
            }
            var clock = Stopwatch.StartNew();
            var checkout = Directory.CreateTempSubdirectory("rag-eval-").FullName;
            try
            {
                // The folder is no git checkout; the history comes from the snapshot at the parent instead.
                var options = IndexingOptions.Default with { History = IndexingOptions.Default.History with { Enabled = false } };
                var tree = new TreeMaterializer(gitDir, checkout, options);
                var indexer = new RepositoryIndexer(embedder, options);
                var history = new HistoryRefresher(IndexingOptions.Default.History);
                var index = new CodeIndex();
                foreach (var c in mined.OrderBy(m => m.Time))
                {
                    await tree.CheckoutAsync(c.Parent, cancellationToken).ConfigureAwait(false);
                    await indexer.IndexAsync(checkout, index, cancellationToken: cancellationToken).ConfigureAwait(false);
                    await history.RefreshAsync(gitDir, c.Parent, index, cancellationToken).ConfigureAwait(false);
                    foreach (var (name, searcher) in searchers)
                    {
                        var response = await searcher.SearchAsync(index, new SearchRequest(c.Query, RetrievalMetrics.Depth, alpha), cancellationToken).ConfigureAwait(false);
                        var ranked = response.Files.Select(f => f.Path).ToList();
                        foreach (var key in new[] { (c.Case.Language, name), ("all", name) })
                        {
                            if (!results.TryGetValue(key, out var metrics)) results[key] = metrics = new RetrievalMetrics();
                            metrics.Add(ranked, c.Gold.ToHashSet(StringComparer.Ordinal));
                        }
                    }
                }
                progress.WriteLine($"  {repository.Key}: {mined.Count} cases in {clock.Elapsed.TotalSeconds:F1} s");
            }
            finally
            {
                DeleteTree(checkout);
            }
        }
        return results.Select(r => new Outcome(r.Key.Language, r.Key.Variant, r.Value))
            .OrderBy(o => o.Language == "all" ? 1 : 0).ThenBy(o => o.Language, StringComparer.Ordinal)
            .ThenBy(o => variants.ToList().FindIndex(v => v.Name == o.Variant))
            .ToList();
    }

    private static void DeleteTree(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}
