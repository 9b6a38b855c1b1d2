using System.Diagnostics;
using Contracts.Rag;
using RagClient = Contracts.Rag.Rag.RagClient;
using RagService.Search;
using Tests.Infrastructure;

namespace Tests.Rag;

/// <summary>Two RagService replicas on one ragdb: what is indexed through one is what the other answers with.</summary>
public sealed class RagReplicaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
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
        var one = new RagClient(first.CreateChannel());
        var other = new RagClient(second.CreateChannel());
        var index = new IndexRepositoryRequest { Repo = "shop", Branch = "main", Path = repo.Root };

        await one.IndexRepositoryAsync(index).ResponseAsync;
        // Registered and indexed through the first replica after the second one started.
        Assert.Equal("cart.NewCart", (await LexicalAsync(other, "NewCart")).Hits[0].Symbol);

        repo.Write(SampleRepository.GoPath, SampleRepository.Go.Replace("NewCart", "EmptyCart"));
        var reindexed = await one.IndexRepositoryAsync(index).ResponseAsync;
        Assert.Equal(1, reindexed.FilesChanged);

        var clock = Stopwatch.StartNew();
        var top = (await LexicalAsync(other, "EmptyCart")).Hits[0];
        Assert.Equal(("cart.EmptyCart", SampleRepository.GoPath), (top.Symbol, top.Path));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
        Assert.DoesNotContain((await LexicalAsync(other, "NewCart")).Hits, h => h.Symbol == "cart.NewCart");
        var status = await other.GetIndexStatusAsync(new GetIndexStatusRequest { Repo = "shop", Branch = "main" }).ResponseAsync;
        Assert.Equal((IndexStatus.Types.State.Ready, reindexed.Files, reindexed.Chunks, 1), (status.State, status.Files, status.Chunks, status.FilesChanged));
        // The second replica loaded the first one's chunks; it embedded nothing itself (lexical queries embed nothing).
        Assert.Equal(0, secondEmbedder.Count);
    }

    private static Task<HybridSearchReply> LexicalAsync(RagClient client, string query) =>
        client.HybridSearchAsync(new HybridSearchRequest { Repo = "shop", Branch = "main", Query = query, K = 5, Alpha = 0 }).ResponseAsync;
}
