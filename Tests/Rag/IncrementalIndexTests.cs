using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

public sealed class IncrementalIndexTests
{
    /// <summary>Counts what is embedded, to prove unchanged files are not re-embedded.</summary>
    private sealed class CountingEmbedder(IEmbedder inner) : IEmbedder
    {
        public List<string> Texts { get; } = [];
        public string ModelId => inner.ModelId;

        public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            lock (Texts) Texts.AddRange(texts);
            return inner.EmbedAsync(texts, cancellationToken);
        }

        public Task<float[]> EmbedQueryAsync(string query, Func<string, double>? termWeight, CancellationToken cancellationToken) =>
            inner.EmbedQueryAsync(query, termWeight, cancellationToken);
    }

    [Fact]
    public async Task Reindex_touches_only_changed_files_and_drops_deleted_ones()
    {
        using var repo = new SampleRepository();
        var embedder = new CountingEmbedder(new HashingEmbedder());
        var indexer = new RepositoryIndexer(embedder, IndexingOptions.Default);
        var index = new CodeIndex();

        var first = await indexer.IndexAsync(repo.Root, index);
        Assert.Equal(6, first.FilesChanged); // 4 sources, README, .gitignore
        Assert.Equal(first.Chunks, embedder.Texts.Count);
        var goChunkIds = index.ChunksOf(SampleRepository.GoPath).ToList();

        embedder.Texts.Clear();
        var unchanged = await indexer.IndexAsync(repo.Root, index);
        Assert.Equal((0, 0, 0), (unchanged.FilesChanged, unchanged.FilesRemoved, unchanged.ChunksEmbedded));
        Assert.Empty(embedder.Texts);

        repo.Write(SampleRepository.PythonPath, SampleRepository.Python.Replace("save_order", "persist_order"));
        repo.Delete(SampleRepository.TypeScriptPath);
        repo.Write("app/refunds.py", "def issue_refund(order):\n    return order.total\n");
        var second = await indexer.IndexAsync(repo.Root, index);

        Assert.Equal(2, second.FilesChanged);
        Assert.Equal(1, second.FilesRemoved);
        Assert.All(embedder.Texts, t => Assert.True(t.StartsWith(SampleRepository.PythonPath + "\n", StringComparison.Ordinal) || t.StartsWith("app/refunds.py\n", StringComparison.Ordinal)));
        Assert.Equal(index.ChunksOf(SampleRepository.PythonPath).Count + 1, embedder.Texts.Count);
        Assert.False(index.ContainsFile(SampleRepository.TypeScriptPath));
        Assert.Same(goChunkIds[0], index.ChunksOf(SampleRepository.GoPath)[0]); // untouched file kept its chunks

        var response = await new HybridSearcher(embedder).SearchAsync(index, new SearchRequest("checkout flow submit payment apply discount", 20, 0.3f), CancellationToken.None);
        Assert.DoesNotContain(response.Hits, h => h.Path == SampleRepository.TypeScriptPath);
        var symbols = index.ChunksOf(SampleRepository.PythonPath).Select(c => c.Symbol).ToList();
        Assert.Contains("OrderRepository.persist_order", symbols);
        Assert.DoesNotContain("OrderRepository.save_order", symbols);
        var renamed = await new HybridSearcher(embedder).SearchAsync(index, new SearchRequest("save_order", 5, 0f), CancellationToken.None);
        Assert.DoesNotContain(renamed.Hits, h => h.Symbol == "OrderRepository.save_order");
    }
}
