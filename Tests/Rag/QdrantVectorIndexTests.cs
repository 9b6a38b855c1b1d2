using Qdrant.Client;
using Qdrant.Client.Grpc;
using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

public sealed class QdrantVectorIndexTests
{
    private const string Key = "test-key-123";

    [Fact]
    public async Task Indexing_and_search_through_Qdrant_gRPC_match_the_in_process_index()
    {
        await using var qdrant = await QdrantStandIn.StartAsync(Key);
        using var repo = new SampleRepository();
        var connection = QdrantConnection.Parse($"Endpoint={qdrant.Address};Key={Key}");
        using var client = new QdrantClient(connection.Endpoint, connection.ApiKey);
        var collection = QdrantVectorIndex.CollectionName("shop/repo", "main");
        var embedder = new HashingEmbedder();
        var remote = new CodeIndex(new QdrantVectorIndex(client, collection));
        var local = new CodeIndex();
        var indexer = new RepositoryIndexer(embedder, IndexingOptions.Default);

        await indexer.IndexAsync(repo.Root, remote);
        await indexer.IndexAsync(repo.Root, local);

        Assert.Empty(qdrant.Violations);
        Assert.Equal("rag_shop_repo_main", collection);
        var stored = qdrant.Collections[collection];
        Assert.Equal(((ulong)HashingEmbedder.DefaultDimensions, Distance.Cosine), (stored.Size, stored.Distance));
        Assert.Equal(remote.ChunkCount, stored.Points.Count);
        Assert.Contains("Create", qdrant.Calls);
        Assert.Contains("Upsert", qdrant.Calls);

        var searcher = new HybridSearcher(embedder);
        foreach (var query in new[] { "compute invoice total", "save order to disk", "submit payment" })
        {
            var viaQdrant = await searcher.SearchAsync(remote, new SearchRequest(query, 5, 1f), CancellationToken.None);
            var inProcess = await searcher.SearchAsync(local, new SearchRequest(query, 5, 1f), CancellationToken.None);
            Assert.Equal(inProcess.Hits.Select(h => (h.Path, h.StartLine)), viaQdrant.Hits.Select(h => (h.Path, h.StartLine)));
        }
        Assert.Contains("Query", qdrant.Calls);

        // A deleted file's points are deleted by a payload filter on its path.
        var goPoints = remote.ChunksOf(SampleRepository.GoPath).Count;
        repo.Delete(SampleRepository.GoPath);
        await indexer.IndexAsync(repo.Root, remote);
        Assert.Empty(qdrant.Violations);
        Assert.Contains("Delete", qdrant.Calls);
        Assert.Equal(remote.ChunkCount, stored.Points.Count);
        Assert.DoesNotContain(stored.Points.Values, p => p.Path == SampleRepository.GoPath);
        Assert.True(goPoints > 0);
    }

    [Fact]
    public async Task A_wrong_key_fails_with_an_error_that_does_not_reveal_the_key()
    {
        await using var qdrant = await QdrantStandIn.StartAsync(Key);
        var connection = QdrantConnection.Parse($"Endpoint={qdrant.Address};Key=wrong-secret");
        using var client = new QdrantClient(connection.Endpoint, connection.ApiKey);
        var index = new QdrantVectorIndex(client, "c");

        var error = await Assert.ThrowsAsync<QdrantUnavailableException>(() => index.UpsertAsync([new VectorEntry(1, "a.cs", [1f, 0f])], CancellationToken.None));

        Assert.Contains("Unauthenticated", error.Message);
        Assert.Contains("'c'", error.Message);
        Assert.DoesNotContain("wrong-secret", error.Message);
        Assert.DoesNotContain("wrong-secret", connection.ToString());
    }

    [Fact]
    public void Aspire_s_connection_string_names_the_gRPC_endpoint_and_the_key()
    {
        var connection = QdrantConnection.Parse("Endpoint=http://localhost:6334;Key=s3cret");
        Assert.Equal((new Uri("http://localhost:6334"), "s3cret"), (connection.Endpoint, connection.ApiKey));
        Assert.Null(QdrantConnection.Parse("Endpoint=http://qdrant:6334").ApiKey);
    }

    [Theory]
    [InlineData("Key=abc")]
    [InlineData("Endpoint=not a url")]
    [InlineData("Endpoint=ftp://host:6334")]
    public void Connection_strings_without_an_endpoint_are_rejected(string connectionString)
    {
        Assert.Throws<FormatException>(() => QdrantConnection.Parse(connectionString));
    }
}
