using Contracts.Srm;
using Grpc.Core;
using Tests.Infrastructure;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>Leases live in the database: stopping the service and starting it again on the same database keeps them.</summary>
public sealed class RestartTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_restarted_service_keeps_every_lease_and_keeps_ids_growing()
    {
        var connectionString = await postgres.CreateDatabaseAsync("srm_restart");
        var repo = NewRepo();
        ReserveReply single;
        ReserveBatchReply batch;
        await using (var before = await SrmTestHost.StartAsync(connectionString))
        {
            single = await before.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 600));
            batch = await before.ReserveBatchAsync(Batch("plan-b", 600, Ref(repo, "App.B"), Ref(repo, "App.C")));
        }

        await using var after = await SrmTestHost.StartAsync(connectionString);

        var listed = await after.ListAsync(new ListLeasesRequest { Repo = repo });
        Assert.Equal(
            new[] { single.LeaseId }.Concat(batch.Leases.Select(l => l.LeaseId)).Order(),
            listed.Leases.Select(l => l.LeaseId));
        Assert.Equal(single.LeaseId, (await after.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 600))).LeaseId);
        var refused = await Assert.ThrowsAsync<RpcException>(() => after.ReserveAsync(Reserve(repo, "App.B", "plan-c")));
        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        await after.RenewAsync(batch.Leases[0].LeaseId, 600);
        var fresh = await after.ReserveAsync(Reserve(repo, "App.D", "plan-c"));
        Assert.True(fresh.LeaseId > batch.Leases.Max(l => l.LeaseId));
    }
}
