using RagService.Search;

namespace Tests.Rag;

public sealed class Bm25Tests
{
    private static Bm25Index Build(params (long Id, string Path, string Symbol, string Text)[] docs)
    {
        var index = new Bm25Index();
        foreach (var d in docs) index.Add(d.Id, Bm25Document.FromChunk(d.Path, d.Symbol, d.Text));
        return index;
    }

    private static List<long> Rank(Bm25Index index, string query) =>
        index.Score(QueryAnalyzer.Analyze(query)).OrderByDescending(p => p.Value).Select(p => p.Key).ToList();

    [Fact]
    public void Rare_terms_outweigh_common_ones()
    {
        var index = Build(
            (1, "a.cs", "", "return value value value"),
            (2, "b.cs", "", "return invoice"),
            (3, "c.cs", "", "return value"));

        Assert.Equal(2, Rank(index, "invoice value")[0]);
    }

    [Fact]
    public void Symbol_and_path_matches_beat_body_mentions()
    {
        var index = Build(
            (1, "src/util.cs", "Util.Helper", "calls the tax calculator with the amount"),
            (2, "src/TaxCalculator.cs", "Billing.TaxCalculator.Compute", "return amount * rate"),
            (3, "src/other.cs", "Other.Run", "unrelated text here"));

        Assert.Equal([2, 1], Rank(index, "tax calculator"));
    }

    [Fact]
    public void Removed_documents_no_longer_match_and_can_come_back()
    {
        var index = Build(
            (1, "a.cs", "", "payment gateway"),
            (2, "b.cs", "", "payment retry"));

        Assert.True(index.Remove(1));
        Assert.Equal([2], Rank(index, "payment gateway"));

        index.Add(1, Bm25Document.FromChunk("a.cs", "", "payment gateway"));
        Assert.Equal([1, 2], Rank(index, "payment gateway"));
        Assert.Single(index.Score(QueryAnalyzer.Analyze("gateway")));
    }

    [Fact]
    public async Task Sample_repository_queries_rank_the_expected_symbols_first()
    {
        using var repo = new SampleRepository();
        var index = new CodeIndex();
        await new RagService.Indexing.RepositoryIndexer(new HashingEmbedder(), RagService.Indexing.IndexingOptions.Default)
            .IndexAsync(repo.Root, index);

        string Top(string query) => index.Chunk(index.ScoreLexical(QueryAnalyzer.Analyze(query)).MaxBy(p => p.Value).Key)!.Symbol;

        Assert.Equal("Shop.Billing.InvoiceService.ComputeTotal", Top("compute the invoice total with tax"));
        Assert.Equal("OrderRepository.save_order", Top("save an order"));
        Assert.Equal("applyDiscount", Top("apply a percent discount"));
        Assert.Equal("cart.Cart.Add", Top("add item to cart"));
    }
}
