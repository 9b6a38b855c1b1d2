using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

public sealed class QdrantVectorIndexTests
{
    private const string Key = "test-key-123";

    [Fact]
    public async Task Indexing_and_search_through_Qdrant_REST_match_the_in_process_index()
    {
        await using var qdrant = await QdrantStandIn.StartAsync(Key);
        using var http = new HttpClient();
        using var repo = new SampleRepository();
        var connection = QdrantConnection.Parse($"Endpoint={qdrant.Address};Key={Key}");
        var collection = QdrantVectorIndex.CollectionName("shop/repo", "main");
        var embedder = new HashingEmbedder();
        var remote = new CodeIndex(new QdrantVectorIndex(http, connection, collection));
        var local = new CodeIndex();
        var indexer = new RepositoryIndexer(embedder, IndexingOptions.Default);

        await indexer.IndexAsync(repo.Root, remote);
        await indexer.IndexAsync(repo.Root, local);

        Assert.Empty(qdrant.Violations);
        Assert.Equal("rag_shop_repo_main", collection);
        var stored = qdrant.Collections[collection];
        Assert.Equal((HashingEmbedder.DefaultDimensions, "Cosine"), (stored.Size, stored.Distance));
        Assert.Equal(remote.ChunkCount, stored.Points.Count);
        Assert.Contains($"PUT /collections/{collection}/points?wait=true", qdrant.Requests);

        var searcher = new HybridSearcher(embedder);
        foreach (var query in new[] { "compute invoice total", "save order to disk", "submit payment" })
        {
            var viaQdrant = await searcher.SearchAsync(remote, new SearchRequest(query, 5, 1f), CancellationToken.None);
            var inProcess = await searcher.SearchAsync(local, new SearchRequest(query, 5, 1f), CancellationToken.None);
            Assert.Equal(inProcess.Hits.Select(h => (h.Path, h.StartLine)), viaQdrant.Hits.Select(h => (h.Path, h.StartLine)));
        }

        // A deleted file's points are deleted by a payload filter on its path.
        var goPoints = remote.ChunksOf(SampleRepository.GoPath).Count;
        repo.Delete(SampleRepository.GoPath);
        await indexer.IndexAsync(repo.Root, remote);
        Assert.Empty(qdrant.Violations);
        Assert.Contains($"POST /collections/{collection}/points/delete?wait=true", qdrant.Requests);
        Assert.Equal(remote.ChunkCount, stored.Points.Count);
        Assert.DoesNotContain(stored.Points.Values, p => p.Payload["path"]!.GetValue<string>() == SampleRepository.GoPath);
        Assert.True(goPoints > 0);
    }

    [Fact]
    public async Task A_wrong_key_fails_with_an_error_that_does_not_reveal_the_key()
    {
        await using var qdrant = await QdrantStandIn.StartAsync(Key);
        using var http = new HttpClient();
        var index = new QdrantVectorIndex(http, QdrantConnection.Parse($"Endpoint={qdrant.Address};Key=wrong-secret"), "c");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => index.UpsertAsync([new VectorEntry(1, "a.cs", [1f, 0f])], CancellationToken.None));

        Assert.Contains("401", error.Message);
        Assert.DoesNotContain("wrong-secret", error.Message);
        Assert.DoesNotContain("wrong-secret", QdrantConnection.Parse($"Endpoint={qdrant.Address};Key=wrong-secret").ToString());
    }

    [Theory]
    [InlineData("Key=abc")]
    [InlineData("Endpoint=not a url")]
    public void Connection_strings_without_an_endpoint_are_rejected(string connectionString)
    {
        Assert.Throws<FormatException>(() => QdrantConnection.Parse(connectionString));
    }
}
