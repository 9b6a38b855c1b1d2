using Contracts.Rag;
using RagClient = Contracts.Rag.Rag.RagClient;
using RagService.Search;
using Grpc.Core;

namespace Tests.Rag;

/// <summary>An indexing run whose caller stops waiting is recorded as unfinished, never left "indexing".</summary>
public sealed class IndexCancellationTests
{
    [Fact]
    public async Task Index_call_that_hits_its_deadline_leaves_a_failed_status_that_says_why()
    {
        var workspace = Path.Combine(Path.GetTempPath(), "rag-cancel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);
        using var repo = new SampleRepository(parent: workspace);
        await using var host = await RagServiceHost.StartAsync(workspace, embedder: new EmbedderThatWaitsForCancellation());
        var client = new RagClient(host.CreateChannel());
        try
        {
            var late = await Assert.ThrowsAsync<RpcException>(() => client.IndexRepositoryAsync(new IndexRepositoryRequest { Repo = "slow", Branch = "main", Path = repo.Root }, deadline: DateTime.UtcNow + TimeSpan.FromMilliseconds(500)).ResponseAsync);
            Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);

            IndexStatus status;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            do
            {
                // The server records the outcome after the client has already seen its deadline pass.
                status = await client.GetIndexStatusAsync(new GetIndexStatusRequest { Repo = "slow", Branch = "main" }).ResponseAsync;
            }
            while (status.State == IndexStatus.Types.State.Indexing && DateTime.UtcNow < deadline && await Delay());

            Assert.Equal(IndexStatus.Types.State.Failed, status.State);
            Assert.Contains("cancelled", status.Error);
        }
        finally
        {
            try { Directory.Delete(workspace, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }

    /// <summary>Embeds nothing until the indexing run is cancelled.</summary>
    private sealed class EmbedderThatWaitsForCancellation : IEmbedder
    {
        public string ModelId => "waits-for-cancellation";

        public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }

        public Task<float[]> EmbedQueryAsync(string query, Func<string, double>? termWeight, CancellationToken cancellationToken) =>
            Task.FromResult(new float[8]);
    }
}
