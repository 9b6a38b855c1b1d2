using System.Collections.Concurrent;
using Contracts.Srm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using ServiceDefaults.Grpc;

namespace Tests.Orchestrator;

/// <summary>
/// A stand-in Srm answering <c>srm.v1.Srm/ReleasePlan</c> over real h2c gRPC on Kestrel; it can fail the
/// first calls with UNAVAILABLE to show the Orchestrator retries.
/// </summary>
public sealed class FakeSrm : IAsyncDisposable
{
    private readonly WebApplication app;
    private int failuresLeft;

    private FakeSrm(WebApplication app) => this.app = app;

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
        var app = builder.Build();
        var srm = new FakeSrm(app);
        app.MapGrpcService("srm.v1.Srm").MapUnary<ReleasePlanRequest, ReleasePlanReply>("ReleasePlan", (request, _) =>
        {
            srm.ReleaseCalls.Enqueue(request.PlanId);
            if (Interlocked.Decrement(ref srm.failuresLeft) >= 0)
                throw new RpcException(GrpcStatusCode.Unavailable, "srm is restarting");
            return Task.FromResult(new ReleasePlanReply { Released = 1 });
        });
        await app.StartAsync();
        return srm;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
