using System.Collections.Concurrent;
using Contracts.Srm;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tests.Orchestrator;

/// <summary>
/// A stand-in Srm over real h2c gRPC on Kestrel: an in-memory lease table behind <c>ReserveBatch</c>, <c>ListLeases</c>,
/// <c>Release</c> and <c>ReleasePlan</c> (one live lease per symbol, a plan's own leases come back on a second reserve).
/// It can fail the first ReleasePlan calls with UNAVAILABLE to show the Orchestrator retries, and refuse a plan with
/// INVALID_ARGUMENT to show it does not.
/// </summary>
public sealed class FakeSrm : IAsyncDisposable
{
    private WebApplication app = null!;
    private readonly ConcurrentDictionary<long, Lease> leases = new();
    private readonly Lock gate = new();
    private long nextLeaseId = 100;
    private int failuresLeft;

    public ConcurrentQueue<string> ReleaseCalls { get; } = new();

    public string Url => app.Urls.First();

    private readonly ConcurrentDictionary<string, bool> rejected = new();

    public void FailNext(int calls) => Volatile.Write(ref failuresLeft, calls);

    /// <summary>Answers INVALID_ARGUMENT for this plan, as Srm does for a malformed plan id.</summary>
    public void Reject(string planId) => rejected[planId] = true;

    public int CallsFor(string planId) => ReleaseCalls.Count(id => id == planId);

    /// <summary>The live leases of <paramref name="planId"/>.</summary>
    public IReadOnlyList<Lease> LeasesOf(string planId) => [.. leases.Values.Where(l => l.PlanId == planId).OrderBy(l => l.LeaseId)];

    /// <summary>Grants leases as a planner would have; returns their ids.</summary>
    public IReadOnlyList<long> Grant(string planId, params string[] fqNames) => [.. Reserve(Request(planId, fqNames)).Leases.Select(l => l.LeaseId)];

    /// <summary>Reserves as a planner would; returns the conflicts (none when granted).</summary>
    public IReadOnlyList<Conflict> TryReserve(string planId, params string[] fqNames) => [.. Reserve(Request(planId, fqNames)).Conflicts];

    private static ReserveBatchRequest Request(string planId, string[] fqNames)
    {
        var request = new ReserveBatchRequest { PlanId = planId, TtlSec = 600 };
        request.Items.AddRange(fqNames.Select(n => new SymbolRef { Repo = "repo", Branch = "main", FqName = n, Kind = "function", FilePath = "src/app.cs" }));
        return request;
    }

    public static async Task<FakeSrm> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "FakeSrm", Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var srm = new FakeSrm();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new Service(srm));
        srm.app = builder.Build();
        srm.app.MapGrpcService<Service>();
        await srm.app.StartAsync();
        return srm;
    }

    private ReserveBatchReply Reserve(ReserveBatchRequest request)
    {
        lock (gate)
        {
            var reply = new ReserveBatchReply();
            foreach (var item in request.Items)
            {
                var held = leases.Values.FirstOrDefault(l => l.FqName == item.FqName && l.Repo == item.Repo && l.Branch == item.Branch);
                if (held is not null && held.PlanId != request.PlanId)
                    reply.Conflicts.Add(new Conflict { FqName = item.FqName, HolderPlanId = held.PlanId, HolderLeaseId = held.LeaseId, ExpiresAt = held.ExpiresAt });
                else if (held is not null)
                    reply.Leases.Add(new Lease(held) { Kind = item.Kind, FilePath = item.FilePath }); // as Srm: same lease id, new labels
                else
                    reply.Leases.Add(new Lease
                    {
                        LeaseId = ++nextLeaseId, Repo = item.Repo, Branch = item.Branch, FqName = item.FqName, Kind = item.Kind, FilePath = item.FilePath,
                        PlanId = request.PlanId, AcquiredAt = Timestamp.FromDateTime(DateTime.UtcNow),
                        ExpiresAt = Timestamp.FromDateTime(DateTime.UtcNow.AddSeconds(Math.Max(request.TtlSec, 60))),
                    });
            }
            reply.Granted = reply.Conflicts.Count == 0;
            if (!reply.Granted) reply.Leases.Clear();
            foreach (var lease in reply.Leases) leases[lease.LeaseId] = lease;
            return reply;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class Service(FakeSrm srm) : Contracts.Srm.Srm.SrmBase
    {
        public override Task<ReleasePlanReply> ReleasePlan(ReleasePlanRequest request, ServerCallContext context)
        {
            srm.ReleaseCalls.Enqueue(request.PlanId);
            // As Srm does: its validator answers INVALID_ARGUMENT, and no retry can change that.
            if (request.PlanId.Length == 0 || srm.rejected.ContainsKey(request.PlanId))
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    request.PlanId.Length == 0 ? "plan_id is required" : $"plan_id '{request.PlanId}' is malformed"));
            if (Interlocked.Decrement(ref srm.failuresLeft) >= 0)
                throw new RpcException(new Status(StatusCode.Unavailable, "srm is restarting"));
            var released = srm.LeasesOf(request.PlanId).Count(l => srm.leases.TryRemove(l.LeaseId, out _));
            return Task.FromResult(new ReleasePlanReply { Released = Math.Max(released, 1) });
        }

        public override Task<ReserveBatchReply> ReserveBatch(ReserveBatchRequest request, ServerCallContext context) =>
            Task.FromResult(srm.Reserve(request));

        public override Task<ReleaseReply> Release(ReleaseRequest request, ServerCallContext context) =>
            Task.FromResult(new ReleaseReply { Released = srm.leases.TryRemove(request.LeaseId, out _) });

        public override Task<ListLeasesReply> ListLeases(ListLeasesRequest request, ServerCallContext context) =>
            Task.FromResult(new ListLeasesReply { Leases = { srm.LeasesOf(request.PlanId) } });
    }
}
