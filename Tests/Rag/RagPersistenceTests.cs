using Contracts.Rag;
using RagClient = Contracts.Rag.Rag.RagClient;
using RagService.Search;
using Tests.Infrastructure;

namespace Tests.Rag;

/// <summary>The index lives in Postgres (ragdb): a restarted service answers from it without re-chunking or re-embedding.</summary>
public sealed class RagPersistenceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string workspace = Directory.CreateTempSubdirectory("rag-persist-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(workspace, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Index_survives_a_restart_and_is_not_rebuilt()
    {
        var database = await postgres.CreateDatabaseAsync("ragdb_persistence");
        using var repo = new SampleRepository(parent: workspace);
        IndexStatus first;
        HybridSearchReply before;
        await using (var host = await RagServiceHost.StartAsync(workspace, database))
        {
            var client = new RagClient(host.CreateChannel());
            first = await client.IndexRepositoryAsync(new IndexRepositoryRequest { Repo = "shop", Branch = "main", Path = repo.Root }).ResponseAsync;
            before = await client.HybridSearchAsync(new HybridSearchRequest { Repo = "shop", Branch = "main", Query = "save orders to disk", K = 5 }).ResponseAsync;
            Assert.Equal(IndexStatus.Types.State.Ready, first.State);
        }

        var embedder = new CountingEmbedder(new HashingEmbedder());
        await using (var host = await RagServiceHost.StartAsync(workspace, database, embedder))
        {
            var client = new RagClient(host.CreateChannel());
            var status = await client.GetIndexStatusAsync(new GetIndexStatusRequest { Repo = "shop", Branch = "main" }).ResponseAsync;
            Assert.Equal((IndexStatus.Types.State.Ready, first.Files, first.Chunks, repo.Root), (status.State, status.Files, status.Chunks, status.Path));

            var after = await client.HybridSearchAsync(new HybridSearchRequest { Repo = "shop", Branch = "main", Query = "save orders to disk", K = 5 }).ResponseAsync;
            Assert.Equal(before.Hits.Select(h => (h.Path, h.StartLine, h.Symbol, h.Score)), after.Hits.Select(h => (h.Path, h.StartLine, h.Symbol, h.Score)));
            Assert.Equal(1, embedder.Count); // the query only: stored chunks were loaded, not re-embedded

            // Incremental after restart: one changed file is re-embedded, nothing else.
            repo.Write(SampleRepository.GoPath, SampleRepository.Go.Replace("NewCart", "EmptyCart"));
            var reindexed = await client.IndexRepositoryAsync(new IndexRepositoryRequest { Repo = "shop", Branch = "main", Path = repo.Root }).ResponseAsync;
            Assert.Equal(1, reindexed.FilesChanged);
            Assert.Equal(1 + 4, embedder.Count); // the Go file has four chunks
        }

        await using (var host = await RagServiceHost.StartAsync(workspace, database))
        {
            var client = new RagClient(host.CreateChannel());
            var reply = await client.HybridSearchAsync(new HybridSearchRequest { Repo = "shop", Branch = "main", Query = "EmptyCart", K = 3, Alpha = 0 }).ResponseAsync;
            Assert.Equal("cart.EmptyCart", reply.Hits[0].Symbol);
        }
    }
}
