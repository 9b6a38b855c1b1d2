using Contracts.Srm;
using Grpc.Core;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>Reserve, Renew, Release and ReleasePlan semantics over real gRPC and a real Postgres.</summary>
public sealed class ReservationTests(SrmServerFixture server) : IClassFixture<SrmServerFixture>
{
    private SrmTestHost Srm => server.Host;

    [Fact]
    public async Task Reserve_grants_a_lease_that_expires_ttl_seconds_after_the_database_clock()
    {
        var repo = NewRepo();
        var dbNowBefore = await Srm.QueryScalarAsync<DateTime>("SELECT clock_timestamp()");

        var reply = await Srm.ReserveAsync(Reserve(repo, "App.Greeter.Greet", "plan-a", ttlSeconds: 120));

        var dbNowAfter = await Srm.QueryScalarAsync<DateTime>("SELECT clock_timestamp()");
        Assert.True(reply.LeaseId > 0);
        var expires = reply.ExpiresAt.ToDateTime();
        Assert.InRange(expires, dbNowBefore.AddSeconds(120), dbNowAfter.AddSeconds(120));
        var stored = await Srm.QueryScalarAsync<string>("SELECT plan_id FROM leases WHERE lease_id = $1", reply.LeaseId);
        Assert.Equal("plan-a", stored);
    }

    [Fact]
    public async Task A_zero_ttl_means_the_default_of_600_seconds()
    {
        var reply = await Srm.ReserveAsync(Reserve(NewRepo(), "App.A", "plan-a", ttlSeconds: 0));

        var ttl = await Srm.QueryScalarAsync<double>(
            "SELECT extract(epoch FROM expires_at - acquired_at)::float8 FROM leases WHERE lease_id = $1", reply.LeaseId);
        Assert.Equal(600, ttl, precision: 3);
    }

    [Fact]
    public async Task The_same_plan_reserving_again_gets_its_lease_back_with_the_expiry_extended_never_shortened()
    {
        var repo = NewRepo();
        var first = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 30));

        var again = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 300));
        var shorter = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 5));

        Assert.Equal(first.LeaseId, again.LeaseId);
        Assert.True(again.ExpiresAt.ToDateTime() > first.ExpiresAt.ToDateTime().AddSeconds(200));
        Assert.Equal(first.LeaseId, shorter.LeaseId);
        Assert.Equal(again.ExpiresAt, shorter.ExpiresAt);
        Assert.Equal(1L, await Srm.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1", repo));
    }

    [Fact]
    public async Task Another_plans_live_lease_is_aborted_with_the_holder_lease_id_and_expiry()
    {
        var repo = NewRepo();
        var held = await Srm.ReserveAsync(Reserve(repo, "App.Greeter", "plan-holder"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => Srm.ReserveAsync(Reserve(repo, "App.Greeter", "plan-other")));

        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        Assert.Contains("'plan-holder'", refused.Status.Detail);
        Assert.Contains($"lease {held.LeaseId}", refused.Status.Detail);
        Assert.Contains(held.ExpiresAt.ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"), refused.Status.Detail);
        Assert.Contains("App.Greeter", refused.Status.Detail);
    }

    [Fact]
    public async Task Repo_branch_and_name_together_identify_a_symbol()
    {
        var repo = NewRepo();
        await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a"));

        var otherBranch = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-b", branch: "feature/x"));
        var otherRepo = await Srm.ReserveAsync(Reserve(NewRepo(), "App.A", "plan-b"));
        var otherName = await Srm.ReserveAsync(Reserve(repo, "App.a", "plan-b"));

        Assert.NotEqual(otherBranch.LeaseId, otherRepo.LeaseId);
        Assert.NotEqual(otherRepo.LeaseId, otherName.LeaseId);
    }

    [Fact]
    public async Task An_expired_lease_is_free_to_take_and_the_new_lease_has_a_larger_id()
    {
        var repo = NewRepo();
        var old = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-old", ttlSeconds: 1));
        await Expiry.WaitUntilExpiredAsync(Srm, old.LeaseId);

        var taken = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-new", ttlSeconds: 60));

        Assert.True(taken.LeaseId > old.LeaseId);
        var stale = await Assert.ThrowsAsync<RpcException>(() => Srm.RenewAsync(old.LeaseId, 60));
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
        Assert.Contains($"lease {taken.LeaseId}", stale.Status.Detail);
        Assert.Contains("'plan-new'", stale.Status.Detail);
    }

    [Fact]
    public async Task The_same_plan_after_its_lease_expired_gets_a_new_lease_id_and_the_old_one_is_fenced()
    {
        var repo = NewRepo();
        var old = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 1));
        await Expiry.WaitUntilExpiredAsync(Srm, old.LeaseId);

        var renewed = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 60));

        Assert.True(renewed.LeaseId > old.LeaseId);
        var stale = await Assert.ThrowsAsync<RpcException>(() => Srm.ReleaseAsync(old.LeaseId));
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
    }

    [Fact]
    public async Task Renew_moves_the_expiry_of_a_live_lease()
    {
        var repo = NewRepo();
        var lease = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 5));

        var renewed = await Srm.RenewAsync(lease.LeaseId, 3600);

        Assert.True(renewed.ExpiresAt.ToDateTime() > lease.ExpiresAt.ToDateTime().AddMinutes(50));
        var stored = await Srm.QueryScalarAsync<DateTime>("SELECT expires_at FROM leases WHERE lease_id = $1", lease.LeaseId);
        Assert.Equal(renewed.ExpiresAt.ToDateTime(), stored);
    }

    [Fact]
    public async Task Renewing_an_expired_lease_is_a_failed_precondition_saying_it_expired()
    {
        var lease = await Srm.ReserveAsync(Reserve(NewRepo(), "App.A", "plan-a", ttlSeconds: 1));
        await Expiry.WaitUntilExpiredAsync(Srm, lease.LeaseId);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Srm.RenewAsync(lease.LeaseId, 60));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("expired", refused.Status.Detail);
    }

    [Fact]
    public async Task Release_frees_the_symbol_and_the_released_id_can_neither_renew_nor_release_again()
    {
        var repo = NewRepo();
        var lease = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a"));

        var released = await Srm.ReleaseAsync(lease.LeaseId);
        var next = await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-b"));

        Assert.True(released.Released);
        Assert.True(next.LeaseId > lease.LeaseId);
        var renew = await Assert.ThrowsAsync<RpcException>(() => Srm.RenewAsync(lease.LeaseId, 60));
        var again = await Assert.ThrowsAsync<RpcException>(() => Srm.ReleaseAsync(lease.LeaseId));
        Assert.Equal(StatusCode.FailedPrecondition, renew.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.NotNull(await Srm.QueryScalarAsync<DateTime?>("SELECT released_at FROM lease_history WHERE lease_id = $1", lease.LeaseId));
    }

    [Fact]
    public async Task Release_twice_by_the_holder_is_refused_as_already_released()
    {
        var lease = await Srm.ReserveAsync(Reserve(NewRepo(), "App.A", "plan-a"));
        await Srm.ReleaseAsync(lease.LeaseId);

        var refused = await Assert.ThrowsAsync<RpcException>(() => Srm.ReleaseAsync(lease.LeaseId));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("released", refused.Status.Detail);
    }

    [Fact]
    public async Task A_lease_id_that_was_never_granted_is_not_found()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Srm.RenewAsync(long.MaxValue - 7, 60));

        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task ReleasePlan_ends_every_live_lease_of_that_plan_and_no_other()
    {
        var repo = NewRepo();
        var plan = NewPlan();
        await Srm.ReserveAsync(Reserve(repo, "App.A", plan));
        await Srm.ReserveAsync(Reserve(repo, "App.B", plan));
        var other = await Srm.ReserveAsync(Reserve(repo, "App.C", "someone-else"));

        var first = await Srm.ReleasePlanAsync(plan);
        var second = await Srm.ReleasePlanAsync(plan);

        Assert.Equal(2, first.Released);
        Assert.Equal(0, second.Released);
        await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-next"));
        await Srm.RenewAsync(other.LeaseId, 60);
    }

    [Fact]
    public async Task Lease_ids_only_grow()
    {
        var repo = NewRepo();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var lease = await Srm.ReserveAsync(Reserve(repo, "App.A", $"plan-{i}"));
            ids.Add(lease.LeaseId);
            await Srm.ReleaseAsync(lease.LeaseId);
            ids.Add((await Srm.ReserveAsync(Reserve(repo, $"App.B{i}", "plan-b"))).LeaseId);
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
