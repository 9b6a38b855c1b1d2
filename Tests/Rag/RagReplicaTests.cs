using System.Diagnostics;
using Contracts.Rag;
using RagService.Search;
using ServiceDefaults.Grpc;
using Tests.Infrastructure;

namespace Tests.Rag;

/// <summary>Two RagService replicas on one ragdb: what is indexed through one is what the other answers with.</summary>
public sealed class RagReplicaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private const string Service = "rag.v1.Rag";
    private readonly string workspace = Directory.CreateTempSubdirectory("rag-replicas-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(workspace, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_re_index_through_one_replica_is_what_the_other_answers_with_within_five_seconds()
    {
        var database = await postgres.CreateDatabaseAsync("ragdb_replicas");
        using var repo = new SampleRepository(parent: workspace);
        var secondEmbedder = new CountingEmbedder(new HashingEmbedder());
        await using var first = await RagServiceHost.StartAsync(workspace, database);
        await using var second = await RagServiceHost.StartAsync(workspace, database, secondEmbedder);
        var one = first.CreateGrpcClient();
        var other = second.CreateGrpcClient();
        var index = new IndexRepositoryRequest { Repo = "shop", Branch = "main", Path = repo.Root };

        await one.UnaryAsync<IndexRepositoryRequest, IndexStatus>(Service, "IndexRepository", index);
        // Registered and indexed through the first replica after the second one started.
        Assert.Equal("cart.NewCart", (await LexicalTopAsync(other, "NewCart")).Symbol);

        repo.Write(SampleRepository.GoPath, SampleRepository.Go.Replace("NewCart", "EmptyCart"));
        var reindexed = await one.UnaryAsync<IndexRepositoryRequest, IndexStatus>(Service, "IndexRepository", index);
        Assert.Equal(1, reindexed.FilesChanged);

        var clock = Stopwatch.StartNew();
        var top = await LexicalTopAsync(other, "EmptyCart");
        Assert.Equal(("cart.EmptyCart", SampleRepository.GoPath), (top.Symbol, top.Path));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
        Assert.DoesNotContain((await LexicalHitsAsync(other, "NewCart")).Hits, h => h.Symbol == "cart.NewCart");
        var status = await other.UnaryAsync<GetIndexStatusRequest, IndexStatus>(Service, "GetIndexStatus", new GetIndexStatusRequest { Repo = "shop", Branch = "main" });
        Assert.Equal((IndexStatus.Types.State.Ready, reindexed.Files, reindexed.Chunks, 1), (status.State, status.Files, status.Chunks, status.FilesChanged));
        // The second replica loaded the first one's chunks; it embedded nothing itself (lexical queries embed nothing).
        Assert.Equal(0, secondEmbedder.Count);
    }

    private static async Task<Snippet> LexicalTopAsync(GrpcClient client, string query) =>
        (await LexicalHitsAsync(client, query)).Hits[0];

    private static Task<HybridSearchReply> LexicalHitsAsync(GrpcClient client, string query) =>
        client.UnaryAsync<HybridSearchRequest, HybridSearchReply>(Service, "HybridSearch", new HybridSearchRequest { Repo = "shop", Branch = "main", Query = query, K = 5, Alpha = 0 });
}
