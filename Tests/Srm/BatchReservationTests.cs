using Contracts.Srm;
using Grpc.Core;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>ReserveBatch: all or nothing, every conflict reported, duplicates merged, no deadlocks.</summary>
public sealed class BatchReservationTests(SrmServerFixture server) : IClassFixture<SrmServerFixture>
{
    private SrmTestHost Srm => server.Host;

    [Fact]
    public async Task A_free_batch_is_granted_whole_with_one_lease_per_distinct_symbol()
    {
        var repo = NewRepo();

        var reply = await Srm.ReserveBatchAsync(Batch("plan-a", 60, Ref(repo, "C"), Ref(repo, "A"), Ref(repo, "B"), Ref(repo, "A")));

        Assert.True(reply.Granted);
        Assert.Empty(reply.Conflicts);
        Assert.Equal(["A", "B", "C"], reply.Leases.Select(l => l.FqName));
        Assert.All(reply.Leases, l => Assert.Equal("plan-a", l.PlanId));
        Assert.Equal(3, reply.Leases.Select(l => l.LeaseId).Distinct().Count());
        Assert.Equal(3L, await Srm.QueryScalarAsync<long>("SELECT count(*) FROM leases WHERE repo = $1 AND plan_id = 'plan-a'", repo));
    }

    [Fact]
    public async Task A_batch_with_conflicts_grants_nothing_and_lists_every_conflict()
    {
        var repo = NewRepo();
        var heldB = await Srm.ReserveAsync(Reserve(repo, "B", "holder-1"));
        var heldD = await Srm.ReserveAsync(Reserve(repo, "D", "holder-2"));

        var reply = await Srm.ReserveBatchAsync(Batch("plan-new", 60, Ref(repo, "A"), Ref(repo, "B"), Ref(repo, "C"), Ref(repo, "D")));

        Assert.False(reply.Granted);
        Assert.Empty(reply.Leases);
        Assert.Collection(reply.Conflicts,
            c =>
            {
                Assert.Equal(("B", "holder-1", heldB.LeaseId), (c.FqName, c.HolderPlanId, c.HolderLeaseId));
                Assert.Equal(heldB.ExpiresAt, c.ExpiresAt);
            },
            c =>
            {
                Assert.Equal(("D", "holder-2", heldD.LeaseId), (c.FqName, c.HolderPlanId, c.HolderLeaseId));
                Assert.Equal(heldD.ExpiresAt, c.ExpiresAt);
            });
        // Nothing of the refused batch exists, not even in the history.
        Assert.Equal(0L, await Srm.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE plan_id = 'plan-new' AND repo = $1", repo));
        await Srm.ReserveAsync(Reserve(repo, "A", "someone"));
    }

    [Fact]
    public async Task A_batch_by_the_holder_returns_the_leases_it_already_has()
    {
        var repo = NewRepo();
        var held = await Srm.ReserveAsync(Reserve(repo, "A", "plan-a"));

        var reply = await Srm.ReserveBatchAsync(Batch("plan-a", 60, Ref(repo, "A"), Ref(repo, "B")));

        Assert.True(reply.Granted);
        Assert.Equal(held.LeaseId, reply.Leases.Single(l => l.FqName == "A").LeaseId);
        Assert.True(reply.Leases.Single(l => l.FqName == "B").LeaseId > held.LeaseId);
    }

    [Fact]
    public async Task A_redelivered_batch_is_harmless()
    {
        var repo = NewRepo();
        var request = Batch("plan-a", 60, Ref(repo, "A"), Ref(repo, "B"));

        var first = await Srm.ReserveBatchAsync(request);
        var second = await Srm.ReserveBatchAsync(request);

        Assert.Equal(first.Leases.Select(l => l.LeaseId), second.Leases.Select(l => l.LeaseId));
        Assert.Equal(2L, await Srm.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1", repo));
    }

    [Fact]
    public async Task A_batch_takes_expired_leases_of_other_plans()
    {
        var repo = NewRepo();
        var old = await Srm.ReserveAsync(Reserve(repo, "A", "plan-old", ttlSeconds: 1));
        await Expiry.WaitUntilExpiredAsync(Srm, old.LeaseId);

        var reply = await Srm.ReserveBatchAsync(Batch("plan-new", 60, Ref(repo, "A"), Ref(repo, "B")));

        Assert.True(reply.Granted);
        Assert.True(reply.Leases.Single(l => l.FqName == "A").LeaseId > old.LeaseId);
    }

    [Fact]
    public async Task Overlapping_batches_in_opposite_orders_never_deadlock_and_exactly_one_wins_each_round()
    {
        var repo = NewRepo();
        var symbols = Enumerable.Range(0, 8).Select(i => Ref(repo, $"S{i}")).ToArray();
        for (var round = 0; round < 15; round++)
        {
            var forward = Batch($"fwd-{round}", 60, symbols);
            var backward = Batch($"bwd-{round}", 60, symbols.Reverse().ToArray());

            var replies = await Task.WhenAll(Srm.ReserveBatchAsync(forward), Srm.ReserveBatchAsync(backward));

            Assert.Equal(1, replies.Count(r => r.Granted));
            var loser = replies.Single(r => !r.Granted);
            Assert.Equal(symbols.Length, loser.Conflicts.Count);
            var winner = replies.Single(r => r.Granted);
            await Srm.ReleasePlanAsync(winner.Leases[0].PlanId);
        }
    }

    [Fact]
    public async Task A_batch_reply_names_conflicts_across_repositories_and_branches()
    {
        var repo = NewRepo();
        var other = NewRepo();
        await Srm.ReserveAsync(Reserve(repo, "A", "holder", branch: "dev"));
        await Srm.ReserveAsync(Reserve(other, "A", "holder"));

        var reply = await Srm.ReserveBatchAsync(Batch("plan-x", 60, Ref(repo, "A", "dev"), Ref(repo, "A"), Ref(other, "A")));

        Assert.False(reply.Granted);
        Assert.Equal(2, reply.Conflicts.Count);
        Assert.Contains(reply.Conflicts, c => c.Repo == repo && c.Branch == "dev");
        Assert.Contains(reply.Conflicts, c => c.Repo == other && c.Branch == "main");
    }

    [Fact]
    public async Task An_invalid_item_names_its_index_and_grants_nothing()
    {
        var repo = NewRepo();
        var bad = Ref(repo, "B");
        bad.FilePath = "../outside.cs";

        var refused = await Assert.ThrowsAsync<RpcException>(() => Srm.ReserveBatchAsync(Batch("plan-a", 60, Ref(repo, "A"), bad)));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("items[1].file_path", refused.Status.Detail);
        Assert.Equal(0L, await Srm.QueryScalarAsync<long>("SELECT count(*) FROM leases WHERE repo = $1", repo));
    }
}
