using Contracts.Rag;
using Contracts.Srm;
using Google.Protobuf.WellKnownTypes;
using RequestPlanner.Planning.Reservations;
using RequestPlanner.Planning.Retrieval;
using RequestPlanner.Planning.Validation;

namespace Tests.Planner;

/// <summary>Paths that exist, as RagService's ResolvePaths would answer; counts the calls.</summary>
public sealed class InMemoryPathResolver(params string[] existing) : IPathResolver
{
    public int Calls { get; private set; }

    public Task<IReadOnlySet<string>> ExistingAsync(string repo, string branch, IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        Calls++;
        IReadOnlySet<string> found = paths.Where(existing.Contains).ToHashSet(StringComparer.Ordinal);
        return Task.FromResult(found);
    }
}

/// <summary>Answers every search with a fixed reply and remembers the requests.</summary>
public sealed class FixedContextRetriever(HybridSearchReply reply) : IContextRetriever
{
    public List<HybridSearchRequest> Requests { get; } = [];

    public Task<HybridSearchReply> SearchAsync(HybridSearchRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(reply);
    }
}

/// <summary>
/// Srm's ReserveBatch semantics in memory, for unit tests of the planner: all or nothing; one holder per
/// symbol; the same plan gets its own lease back.
/// </summary>
public sealed class InMemorySrm : ISymbolReserver
{
    private readonly Dictionary<string, Lease> leases = new(StringComparer.Ordinal);
    private long nextLeaseId = 100;

    public List<ReserveBatchRequest> Requests { get; } = [];

    public IReadOnlyCollection<Lease> Leases => leases.Values;

    public Task<ReserveBatchReply> ReserveBatchAsync(ReserveBatchRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request.Clone());
        var reply = new ReserveBatchReply();
        foreach (var item in request.Items)
        {
            if (leases.TryGetValue(Key(item), out var held) && held.PlanId != request.PlanId)
            {
                reply.Conflicts.Add(new Conflict
                {
                    Repo = item.Repo, Branch = item.Branch, FqName = item.FqName,
                    HolderPlanId = held.PlanId, HolderLeaseId = held.LeaseId, ExpiresAt = held.ExpiresAt,
                });
            }
        }
        if (reply.Conflicts.Count > 0) return Task.FromResult(reply);

        reply.Granted = true;
        foreach (var item in request.Items)
        {
            if (!leases.TryGetValue(Key(item), out var lease))
            {
                lease = new Lease
                {
                    LeaseId = nextLeaseId++, Repo = item.Repo, Branch = item.Branch, FqName = item.FqName,
                    Kind = item.Kind, FilePath = item.FilePath, PlanId = request.PlanId,
                    ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddYears(60)),
                };
                leases[Key(item)] = lease;
            }
            reply.Leases.Add(lease);
        }
        return Task.FromResult(reply);
    }

    private static string Key(SymbolRef item) => $"{item.Repo}\n{item.Branch}\n{item.FqName}";
}
