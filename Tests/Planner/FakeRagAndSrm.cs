using Contracts.Rag;
using Contracts.Srm;
using ServiceDefaults.Grpc;
using Tests.Infrastructure;

namespace Tests.Planner;

/// <summary>
/// RagService and Srm as gRPC servers over real Kestrel h2c, backed by fixed search results and
/// <see cref="InMemorySrm"/>: for testing the worker's wiring when the real services are not needed.
/// </summary>
public sealed class FakeRagAndSrm : IAsyncDisposable
{
    private readonly Lock gate = new();

    private FakeRagAndSrm(KestrelTestHost rag, KestrelTestHost srmHost, InMemorySrm srm)
    {
        Rag = rag;
        SrmHost = srmHost;
        Srm = srm;
    }

    public KestrelTestHost Rag { get; }
    public KestrelTestHost SrmHost { get; }
    public InMemorySrm Srm { get; }

    public static async Task<FakeRagAndSrm> StartAsync(HybridSearchReply context, params string[] existingPaths)
    {
        var srm = new InMemorySrm();
        var gate = new Lock();
        var rag = await KestrelTestHost.StartAsync(app =>
        {
            var service = app.MapGrpcService("rag.v1.Rag");
            service.MapUnary<HybridSearchRequest, HybridSearchReply>("HybridSearch", (_, _) => Task.FromResult(context));
            service.MapUnary<ResolvePathsRequest, ResolvePathsReply>("ResolvePaths", (request, _) =>
            {
                var reply = new ResolvePathsReply();
                foreach (var path in request.Paths)
                    reply.Paths.Add(new PathResolution { Path = path, Normalized = path, Exists = existingPaths.Contains(path) });
                return Task.FromResult(reply);
            });
        });
        var srmHost = await KestrelTestHost.StartAsync(app =>
            app.MapGrpcService("srm.v1.Srm").MapUnary<ReserveBatchRequest, ReserveBatchReply>("ReserveBatch", async (request, context) =>
            {
                Task<ReserveBatchReply> reply;
                lock (gate) reply = srm.ReserveBatchAsync(request, context.CancellationToken);
                return await reply;
            }));
        return new FakeRagAndSrm(rag, srmHost, srm);
    }

    public async ValueTask DisposeAsync()
    {
        await Rag.DisposeAsync();
        await SrmHost.DisposeAsync();
    }
}
