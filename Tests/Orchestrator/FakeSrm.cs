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
/// first calls with UNAVAILABLE to show the Orchestrator retries, and refuse a plan with INVALID_ARGUMENT to show it
/// does not.
/// </summary>
public sealed class FakeSrm : IAsyncDisposable
{
    private readonly WebApplication app;
    private int failuresLeft;

    private FakeSrm(WebApplication app) => this.app = app;

    public ConcurrentQueue<string> ReleaseCalls { get; } = new();

    public string Url => app.Urls.First();

    private readonly ConcurrentDictionary<string, bool> rejected = new();

    public void FailNext(int calls) => Volatile.Write(ref failuresLeft, calls);

    /// <summary>Answers INVALID_ARGUMENT for this plan, as Srm does for a malformed plan id.</summary>
    public void Reject(string planId) => rejected[planId] = true;

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
            // As Srm does: its validator answers INVALID_ARGUMENT, and no retry can change that.
            if (request.PlanId.Length == 0 || srm.rejected.ContainsKey(request.PlanId))
                throw new RpcException(GrpcStatusCode.InvalidArgument, request.PlanId.Length == 0 ? "plan_id is required" : $"plan_id '{request.PlanId}' is malformed");
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
