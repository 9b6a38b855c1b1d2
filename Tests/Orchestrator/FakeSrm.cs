using System.Collections.Concurrent;
using Contracts.Srm;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tests.Orchestrator;

/// <summary>
/// A stand-in Srm answering <c>srm.v1.Srm/ReleasePlan</c> over real h2c gRPC on Kestrel; it can fail the
/// first calls with UNAVAILABLE to show the Orchestrator retries.
/// </summary>
public sealed class FakeSrm : IAsyncDisposable
{
    private WebApplication app = null!;
    private int failuresLeft;

    public ConcurrentQueue<string> ReleaseCalls { get; } = new();

    public string Url => app.Urls.First();

    public void FailNext(int calls) => Volatile.Write(ref failuresLeft, calls);

    public int CallsFor(string planId) => ReleaseCalls.Count(id => id == planId);

    public static async Task<FakeSrm> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "FakeSrm", Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var srm = new FakeSrm();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ReleasePlanService(srm));
        srm.app = builder.Build();
        srm.app.MapGrpcService<ReleasePlanService>();
        await srm.app.StartAsync();
        return srm;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class ReleasePlanService(FakeSrm owner) : Contracts.Srm.Srm.SrmBase
    {
        public override Task<ReleasePlanReply> ReleasePlan(ReleasePlanRequest request, ServerCallContext context)
        {
            owner.ReleaseCalls.Enqueue(request.PlanId);
            if (Interlocked.Decrement(ref owner.failuresLeft) >= 0)
                throw new RpcException(new Status(StatusCode.Unavailable, "srm is restarting"));
            return Task.FromResult(new ReleasePlanReply { Released = 1 });
        }
    }
}
