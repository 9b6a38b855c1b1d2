using Contracts.Rag;
using RagClient = Contracts.Rag.Rag.RagClient;
using Grpc.Core;
using Tests.Infrastructure;

namespace Tests.Rag;

/// <summary>rag.v1.Rag over real HTTP/2 (h2c) on Kestrel: the happy path and the bad-input matrix with exact status codes.</summary>
public sealed class RagGrpcTests : IAsyncLifetime
{
    private const string Service = "rag.v1.Rag";
    private readonly string workspace = Path.Combine(Path.GetTempPath(), "rag-grpc-" + Guid.NewGuid().ToString("N"));
    private SampleRepository repo = null!;
    private KestrelTestHost host = null!;
    private RagClient client = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(workspace);
        repo = new SampleRepository(parent: workspace);
        // Refresh on every search, so the stale-index path is exercised.
        host = await RagServiceHost.StartAsync(workspace, refreshInterval: "00:00:00.001");
        client = new RagClient(host.CreateChannel());
    }

    private string Root => repo.Root;

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        repo.Dispose();
        try { Directory.Delete(workspace, recursive: true); } catch (IOException) { }
    }

    private Task<IndexStatus> Index(string repoName, string branch, string path) =>
        client.IndexRepositoryAsync(new IndexRepositoryRequest { Repo = repoName, Branch = branch, Path = path }).ResponseAsync;

    private Task<HybridSearchReply> Search(HybridSearchRequest request) =>
        client.HybridSearchAsync(request).ResponseAsync;

    private static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail));
        return error.StatusCode;
    }

    [Fact]
    public async Task Index_search_status_and_resolve_paths()
    {
        var status = await Index("shop", "main", Root);
        Assert.Equal(IndexStatus.Types.State.Ready, status.State);
        Assert.Equal(6, status.Files);
        Assert.True(status.Chunks > 10);
        Assert.NotNull(status.IndexedAt);

        var reply = await Search(new HybridSearchRequest { Repo = "shop", Branch = "main", Query = "compute the invoice total with tax" });
        Assert.InRange(reply.Hits.Count, 1, 8); // k unset means 8
        Assert.Equal(SampleRepository.CSharpPath, reply.Hits[0].Path);
        Assert.Equal("Shop.Billing.InvoiceService.ComputeTotal", reply.Hits[0].Symbol);
        Assert.Equal("csharp", reply.Hits[0].Language);
        Assert.True(reply.Hits[0].LexicalScore > 0 && reply.Hits[0].DenseScore > 0);
        Assert.Equal(SampleRepository.CSharpPath, reply.Files[0].Path);

        var prefixed = await Search(new HybridSearchRequest { Repo = "shop", Branch = "main", Query = "order cart", K = 20, Alpha = 0, PathPrefix = "app/" });
        Assert.All(prefixed.Hits, h => Assert.StartsWith("app/", h.Path));

        var current = await client.GetIndexStatusAsync(new GetIndexStatusRequest { Repo = "shop", Branch = "main" }).ResponseAsync;
        Assert.Equal(IndexStatus.Types.State.Ready, current.State);
        Assert.Equal(Root, current.Path);

        var request = new ResolvePathsRequest { Repo = "shop", Branch = "main" };
        request.Paths.AddRange([SampleRepository.CSharpPath, "./app//orders.py", "app\\orders.py", "missing/File.cs", "../etc/passwd", "/etc/passwd", "", "src/../../x"]);
        var resolved = await client.ResolvePathsAsync(request).ResponseAsync;
        Assert.Equal(
        [
            (SampleRepository.CSharpPath, true, SampleRepository.CSharpPath),
            ("./app//orders.py", true, "app/orders.py"),
            ("app\\orders.py", true, "app/orders.py"),
            ("missing/File.cs", false, "missing/File.cs"),
            ("../etc/passwd", false, ""),
            ("/etc/passwd", false, ""),
            ("", false, ""),
            ("src/../../x", false, ""),
        ], resolved.Paths.Select(p => (p.Path, p.Exists, p.Normalized)));
    }

    [Fact]
    public async Task A_stale_index_is_refreshed_before_searching()
    {
        await Index("shop", "feature", Root);
        repo.Write("app/refunds.py", "def issue_refund_voucher(order):\n    return order.total\n");

        var reply = await Search(new HybridSearchRequest { Repo = "shop", Branch = "feature", Query = "issue refund voucher", K = 3 });

        Assert.Equal("app/refunds.py", reply.Hits[0].Path);
        var status = await client.GetIndexStatusAsync(new GetIndexStatusRequest { Repo = "shop", Branch = "feature" }).ResponseAsync;
        Assert.Equal(7, status.Files);
        Assert.Equal(1, status.FilesChanged);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("\0/../../etc")]
    public async Task A_nul_in_the_path_is_invalid_argument_not_internal(string suffix)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Index("shop", "main", Root + suffix));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("path contains a NUL", refused.Status.Detail);
        Assert.Equal(IndexStatus.Types.State.Ready, (await Index("shop", "main", Root)).State);
    }

    [Fact]
    public async Task Bad_input_matrix_answers_exact_status_codes()
    {
        await Index("shop", "main", Root);
        var outside = Path.Combine(Path.GetTempPath(), "rag-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        try
        {
            // IndexRepository
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Index("", "main", Root)));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Index("shop", "main", "")));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Index(new string('r', 300), "main", Root)));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => Index("x", "main", outside)));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => Index("x", "main", "/etc")));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => Index("x", "main", Path.Combine(workspace, "..", Path.GetFileName(outside)))));
            Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => Index("x", "main", "relative/path")));
            Assert.Equal(StatusCode.NotFound, await StatusOf(() => Index("x", "main", Path.Combine(workspace, "does-not-exist"))));

            // HybridSearch
            HybridSearchRequest Valid() => new() { Repo = "shop", Branch = "main", Query = "invoice" };
            Assert.Equal(StatusCode.NotFound, await StatusOf(() => Search(new HybridSearchRequest { Repo = "nope", Branch = "main", Query = "invoice" })));
            Assert.Equal(StatusCode.NotFound, await StatusOf(() => Search(new HybridSearchRequest { Repo = "shop", Branch = "other", Query = "invoice" })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest { Repo = "", Branch = "main", Query = "invoice" })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { Query = "" })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { Query = "   " })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { Query = new string('q', 10_000) })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { K = 0 })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { K = 101 })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { K = -5 })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { Alpha = -0.01f })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { Alpha = 1.01f })));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest(Valid()) { Alpha = float.NaN })));
            // Bad input is checked before existence: an invalid request on an unknown repository is INVALID_ARGUMENT.
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() => Search(new HybridSearchRequest { Repo = "nope", Query = "" })));

            // GetIndexStatus and ResolvePaths
            Assert.Equal(StatusCode.NotFound, await StatusOf(() =>
                client.GetIndexStatusAsync(new GetIndexStatusRequest { Repo = "nope", Branch = "main" }).ResponseAsync));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() =>
                client.GetIndexStatusAsync(new GetIndexStatusRequest { Repo = "" }).ResponseAsync));
            Assert.Equal(StatusCode.NotFound, await StatusOf(() =>
                client.ResolvePathsAsync(new ResolvePathsRequest { Repo = "nope", Branch = "main", Paths = { "a.cs" } }).ResponseAsync));
            var tooMany = new ResolvePathsRequest { Repo = "shop", Branch = "main" };
            tooMany.Paths.AddRange(Enumerable.Range(0, 1001).Select(i => $"f{i}.cs"));
            Assert.Equal(StatusCode.InvalidArgument, await StatusOf(() =>
                client.ResolvePathsAsync(tooMany).ResponseAsync));
            Assert.Equal(StatusCode.Unimplemented, await StatusOf(() =>
                host.CreateChannel().CreateCallInvoker().CallAsync<GetIndexStatusRequest, IndexStatus>(Service, "DropEverything", new GetIndexStatusRequest { Repo = "shop" })));

            // The service keeps working after all of that.
            var reply = await Search(Valid());
            Assert.NotEmpty(reply.Hits);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
