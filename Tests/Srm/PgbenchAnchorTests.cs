using Srm.Bench;

namespace Tests.Srm;

/// <summary>The bench's anchor really runs the Srm's reservation and release statements through pgbench.</summary>
public sealed class PgbenchAnchorTests(SrmServerFixture server) : IClassFixture<SrmServerFixture>
{
    [Fact]
    public async Task Pgbench_reserves_and_releases_with_the_srm_statements()
    {
        var repo = Symbols.NewRepo();
        var options = BenchOptions.Parse(["--url", server.Host.Address.ToString(), "--clients", "2", "--seconds", "1", "--symbols", "50"]);

        var tps = await PgbenchAnchor.RunAsync(server.Host.ConnectionString, options, repo, CancellationToken.None);

        Assert.True(tps > 0, $"tps {tps}");
        var granted = await server.Host.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1", repo);
        var released = await server.Host.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1 AND released_at IS NOT NULL", repo);
        Assert.True(granted > 0);
        Assert.InRange(released, granted - 2, granted); // a client stopped by -T may not have released its last lease
    }
}
