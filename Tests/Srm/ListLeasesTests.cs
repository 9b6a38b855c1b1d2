using Contracts.Srm;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

public sealed class ListLeasesTests(SrmServerFixture server) : IClassFixture<SrmServerFixture>
{
    private SrmTestHost Srm => server.Host;

    [Fact]
    public async Task Filters_by_repo_branch_prefix_and_plan()
    {
        var repo = NewRepo();
        await Srm.ReserveAsync(Reserve(repo, "App.Greeter.Greet", "plan-a"));
        await Srm.ReserveAsync(Reserve(repo, "App.Greeter.Wave", "plan-b"));
        await Srm.ReserveAsync(Reserve(repo, "App.Main", "plan-a"));
        await Srm.ReserveAsync(Reserve(repo, "App.Greeter.Greet", "plan-a", branch: "dev"));

        var byPrefix = await Srm.ListAsync(new ListLeasesRequest { Repo = repo, Branch = "main", Prefix = "App.Greeter." });
        var byPlan = await Srm.ListAsync(new ListLeasesRequest { Repo = repo, PlanId = "plan-a" });
        var byBranch = await Srm.ListAsync(new ListLeasesRequest { Repo = repo, Branch = "dev" });

        Assert.Equal(["App.Greeter.Greet", "App.Greeter.Wave"], byPrefix.Leases.Select(l => l.FqName));
        Assert.Equal(3, byPlan.Leases.Count);
        Assert.Single(byBranch.Leases);
        Assert.All(byPlan.Leases, l => Assert.False(l.Expired));
    }

    [Fact]
    public async Task Ended_leases_are_listed_only_when_asked_for_and_marked_expired()
    {
        var repo = NewRepo();
        var released = await Srm.ReserveAsync(Reserve(repo, "A", "plan-a"));
        await Srm.ReleaseAsync(released.LeaseId);
        var expiring = await Srm.ReserveAsync(Reserve(repo, "B", "plan-a", ttlSeconds: 1));
        await Srm.ReserveAsync(Reserve(repo, "C", "plan-a"));
        await Expiry.WaitUntilExpiredAsync(Srm, expiring.LeaseId);

        var live = await Srm.ListAsync(new ListLeasesRequest { Repo = repo });
        var all = await Srm.ListAsync(new ListLeasesRequest { Repo = repo, IncludeExpired = true });

        Assert.Equal(["C"], live.Leases.Select(l => l.FqName));
        Assert.Equal(["A", "B", "C"], all.Leases.Select(l => l.FqName));
        Assert.Equal([true, true, false], all.Leases.Select(l => l.Expired));
    }

    [Fact]
    public async Task Pages_return_every_lease_once_in_lease_id_order()
    {
        var repo = NewRepo();
        var granted = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            granted.Add((await Srm.ReserveAsync(Reserve(repo, $"S{i}", "plan-a"))).LeaseId);
        }

        var seen = new List<long>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Srm.ListAsync(new ListLeasesRequest { Repo = repo, PageSize = 3, PageToken = token });
            Assert.True(page.Leases.Count <= 3);
            seen.AddRange(page.Leases.Select(l => l.LeaseId));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(granted, seen);
        Assert.Equal(3, pages);
    }
}
