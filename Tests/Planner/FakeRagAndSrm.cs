using Contracts.Rag;
using Contracts.Srm;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Planner;

/// <summary>
/// RagService and Srm as gRPC servers over real Kestrel h2c, backed by fixed search results and
/// <see cref="InMemorySrm"/>: for testing the worker's wiring when the real services are not needed.
/// </summary>
public sealed class FakeRagAndSrm : IAsyncDisposable
{
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
        var rag = await KestrelTestHost.StartAsync(app => app.MapGrpcService<FixedRag>(), builder =>
        {
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(new FixedRag(context, existingPaths));
        });
        var srmHost = await KestrelTestHost.StartAsync(app => app.MapGrpcService<InMemorySrmService>(), builder =>
        {
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(new InMemorySrmService(srm));
        });
        return new FakeRagAndSrm(rag, srmHost, srm);
    }

    public async ValueTask DisposeAsync()
    {
        await Rag.DisposeAsync();
        await SrmHost.DisposeAsync();
    }

    private sealed class FixedRag(HybridSearchReply context, string[] existingPaths) : Contracts.Rag.Rag.RagBase
    {
        public override Task<HybridSearchReply> HybridSearch(HybridSearchRequest request, ServerCallContext callContext) => Task.FromResult(context);

        public override Task<ResolvePathsReply> ResolvePaths(ResolvePathsRequest request, ServerCallContext callContext)
        {
            var reply = new ResolvePathsReply();
            foreach (var path in request.Paths)
                reply.Paths.Add(new PathResolution { Path = path, Normalized = path, Exists = existingPaths.Contains(path) });
            return Task.FromResult(reply);
        }
    }

    private sealed class InMemorySrmService(InMemorySrm srm) : Contracts.Srm.Srm.SrmBase
    {
        private readonly Lock gate = new();

        public override async Task<ReserveBatchReply> ReserveBatch(ReserveBatchRequest request, ServerCallContext context)
        {
            Task<ReserveBatchReply> reply;
            lock (gate) reply = srm.ReserveBatchAsync(request, context.CancellationToken);
            return await reply;
        }
    }
}
