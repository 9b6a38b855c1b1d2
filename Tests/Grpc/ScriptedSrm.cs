using System.Collections.Concurrent;
using Contracts.Srm;
using Grpc.Core;

namespace Tests.Grpc;

/// <summary>
/// An srm.v1.Srm whose answers a test scripts: Reserve echoes the plan id back in a lease, or throws what
/// <see cref="Throw"/> holds; every method fails its first <see cref="FailuresLeft"/> calls with UNAVAILABLE.
/// Counts calls per method.
/// </summary>
public sealed class ScriptedSrm : Contracts.Srm.Srm.SrmBase
{
    private int failuresLeft;

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public Exception? Throw { get; set; }

    public int FailuresLeft { set => Volatile.Write(ref failuresLeft, value); }

    public override Task<ReserveReply> Reserve(ReserveRequest request, ServerCallContext context) =>
        Answer("Reserve", () => new ReserveReply { LeaseId = request.PlanId.Length });

    public override Task<ReleaseReply> Release(ReleaseRequest request, ServerCallContext context) =>
        Answer("Release", () => new ReleaseReply { Released = true });

    public override Task<ReleasePlanReply> ReleasePlan(ReleasePlanRequest request, ServerCallContext context) =>
        Answer("ReleasePlan", () => new ReleasePlanReply { Released = 3 });

    public override Task<ListLeasesReply> ListLeases(ListLeasesRequest request, ServerCallContext context) =>
        Answer("ListLeases", () =>
        {
            // page_size leases with 1 KiB of text each: large replies on demand.
            var reply = new ListLeasesReply();
            reply.Leases.AddRange(Enumerable.Range(1, request.PageSize).Select(i => new Lease { LeaseId = i, FqName = new string('x', 1024) }));
            return reply;
        });

    private Task<T> Answer<T>(string method, Func<T> reply)
    {
        Calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (Interlocked.Decrement(ref failuresLeft) >= 0) throw new RpcException(new Status(StatusCode.Unavailable, "restarting"));
        if (Throw is { } exception) throw exception;
        return Task.FromResult(reply());
    }
}
