using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

public sealed class HybridSearchTests : IAsyncLifetime, IDisposable
{
    private readonly SampleRepository repo = new();
    private readonly HashingEmbedder embedder = new();
    private readonly CodeIndex index = new();

    public async Task InitializeAsync() => await new RepositoryIndexer(embedder, IndexingOptions.Default).IndexAsync(repo.Root, index);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => repo.Dispose();

    private HybridSearcher Searcher => new(embedder);

    [Theory]
    [InlineData("compute invoice total")]
    [InlineData("orders saved to disk")]
    [InlineData("checkout payment submit")]
    public async Task Alpha_zero_is_the_pure_lexical_ranking(string query)
    {
        var expected = index.ScoreLexical(QueryAnalyzer.Analyze(query))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(10).Select(p => p.Key).ToList();

        var response = await Searcher.SearchAsync(index, new SearchRequest(query, 10, 0f), CancellationToken.None);

        Assert.Equal(expected, response.Hits.Take(expected.Count).Select(h => h.Id));
        Assert.True(expected.Count >= 3);
    }

    [Theory]
    [InlineData("compute invoice total")]
    [InlineData("orders saved to disk")]
    [InlineData("checkout payment submit")]
    public async Task Alpha_one_is_the_pure_dense_ranking(string query)
    {
        var vector = await embedder.EmbedQueryAsync(query, index.InverseDocumentFrequency, CancellationToken.None);
        var expected = (await index.Vectors.SearchAsync(vector, 10, CancellationToken.None)).Select(m => m.Id).ToList();

        var response = await Searcher.SearchAsync(index, new SearchRequest(query, 10, 1f), CancellationToken.None);

        Assert.Equal(expected, response.Hits.Select(h => h.Id));
        Assert.All(response.Hits, h => Assert.Equal(0, h.Lexical));
    }

    [Fact]
    public async Task Hits_carry_location_symbol_text_and_all_three_scores()
    {
        var response = await Searcher.SearchAsync(index, new SearchRequest("compute invoice total tax", 5, 0.3f), CancellationToken.None);

        var top = response.Hits[0];
        Assert.Equal(SampleRepository.CSharpPath, top.Path);
        Assert.Equal("Shop.Billing.InvoiceService.ComputeTotal", top.Symbol);
        Assert.Equal((10, 15), (top.StartLine, top.EndLine));
        Assert.Contains("net * taxRate", top.Text);
        Assert.True(top.Dense > 0 && top.Lexical > 0);
        Assert.Equal(1.0, top.Score, 6);
        Assert.Equal(SampleRepository.CSharpPath, response.Files[0].Path);
        Assert.Equal(response.Files.Select(f => f.Path).Distinct().Count(), response.Files.Count);
    }

    [Fact]
    public async Task Path_prefix_restricts_results()
    {
        var response = await Searcher.SearchAsync(index, new SearchRequest("order cart invoice checkout", 20, 0.3f, "./pkg/"), CancellationToken.None);

        Assert.NotEmpty(response.Hits);
        Assert.All(response.Hits, h => Assert.StartsWith("pkg/", h.Path));
    }

    [Theory]
    [InlineData("", 8, 0.3f, "query")]
    [InlineData("   ", 8, 0.3f, "query")]
    [InlineData("ok", 0, 0.3f, "k")]
    [InlineData("ok", 101, 0.3f, "k")]
    [InlineData("ok", 8, -0.1f, "alpha")]
    [InlineData("ok", 8, 1.5f, "alpha")]
    [InlineData("ok", 8, float.NaN, "alpha")]
    public async Task Bad_input_is_rejected_with_the_field_named(string query, int k, float alpha, string field)
    {
        var error = await Assert.ThrowsAsync<InvalidSearchRequestException>(() => Searcher.SearchAsync(index, new SearchRequest(query, k, alpha), CancellationToken.None));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task Oversized_query_is_rejected()
    {
        var query = new string('a', SearchLimits.MaxQueryChars + 1);
        var error = await Assert.ThrowsAsync<InvalidSearchRequestException>(() => Searcher.SearchAsync(index, new SearchRequest(query), CancellationToken.None));
        Assert.Contains(SearchLimits.MaxQueryChars.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void Fusion_normalises_each_list_and_weights_by_alpha()
    {
        var dense = new Dictionary<long, double> { [1] = 0.9, [2] = 0.5, [3] = 0.1 };
        var lexical = new Dictionary<long, double> { [2] = 10, [3] = 20 };

        var fused = RelativeScoreFusion.Fuse(dense, lexical, 0.5).ToDictionary(f => f.Id, f => f.Score);

        Assert.Equal(0.5 * 1.0 + 0.5 * 0, fused[1], 6);
        Assert.Equal(0.5 * 0.5 + 0.5 * 0, fused[2], 6);
        Assert.Equal(0.5 * 0 + 0.5 * 1.0, fused[3], 6);
    }
}
