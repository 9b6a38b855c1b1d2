using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Srm.Leases;
using Tests.Infrastructure;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>
/// Single reservations and releases that the Srm coalesces into one statement keep the per-call semantics. With one
/// lane, a statement held up on a row lock makes every call issued meanwhile wait in the queue, so they all share the
/// next statement (the calls enqueue before <see cref="LeaseStore"/> returns their tasks).
/// </summary>
public sealed class CoalescedReservationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private SrmTestHost srm = null!;

    private LeaseStore Store => srm.Services.GetRequiredService<LeaseStore>();

    public async Task InitializeAsync() =>
        srm = await SrmTestHost.StartAsync(await postgres.CreateDatabaseAsync("srm_coalesced"), new Dictionary<string, string>
        {
            ["Srm:StatementLanes"] = "1",
            ["Srm:SweepInterval"] = "01:00:00",
        });

    public async Task DisposeAsync() => await srm.DisposeAsync();

    [Fact]
    public async Task Of_two_plans_reserving_one_symbol_in_one_statement_exactly_one_is_granted_and_the_other_told_who_holds_it()
    {
        var repo = NewRepo();
        var (planA, planB) = (NewPlan(), NewPlan());

        var results = await WhileTheLaneIsBlockedAsync<ReservationResult>(repo, () =>
        [
            Store.ReserveAsync(planA, 60, [Item(repo, "App.Shared")], CancellationToken.None),
            Store.ReserveAsync(planB, 60, [Item(repo, "App.Shared")], CancellationToken.None),
        ]);

        var granted = Assert.Single(results, r => r.Granted);
        var refused = Assert.Single(results, r => !r.Granted);
        var lease = Assert.Single(granted.Leases).Lease;
        var conflict = Assert.Single(refused.Conflicts);
        Assert.Equal(lease.PlanId, conflict.HolderPlanId);
        Assert.Equal(lease.LeaseId, conflict.HolderLeaseId);
        Assert.Equal(1L, await srm.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1 AND fq_name = 'App.Shared'", repo));
    }

    [Fact]
    public async Task One_plan_reserving_a_symbol_twice_in_one_round_gets_one_lease_back_twice()
    {
        var repo = NewRepo();
        var plan = NewPlan();

        var results = await WhileTheLaneIsBlockedAsync<ReservationResult>(repo, () =>
        [
            Store.ReserveAsync(plan, 60, [Item(repo, "App.Twice")], CancellationToken.None),
            Store.ReserveAsync(plan, 60, [Item(repo, "App.Twice")], CancellationToken.None),
        ]);

        var leases = results.Select(r => Assert.Single(r.Leases)).ToList();
        Assert.Equal(leases[0].Lease.LeaseId, leases[1].Lease.LeaseId);
        Assert.Single(leases, l => l.Fresh); // the second call renewed what the first one granted
    }

    [Fact]
    public async Task Plans_reserving_different_symbols_in_one_statement_each_get_their_own_lease_and_taken_over_symbols_get_larger_ids()
    {
        var repo = NewRepo();
        var old = await Store.ReserveAsync(NewPlan(), 1, [Item(repo, "App.Expiring")], CancellationToken.None);
        await srm.QueryScalarAsync<int>("UPDATE leases SET expires_at = clock_timestamp() - interval '1 second' WHERE repo = $1 RETURNING 1", repo);
        var plans = Enumerable.Range(0, 6).Select(_ => NewPlan()).ToList();

        var results = await WhileTheLaneIsBlockedAsync<ReservationResult>(repo, () =>
            [.. plans.Select((plan, i) => Store.ReserveAsync(plan, 60, [Item(repo, i == 0 ? "App.Expiring" : $"App.Free{i}")], CancellationToken.None))]);

        var leases = results.Select(r => Assert.Single(r.Leases).Lease).ToList();
        Assert.Equal(plans, leases.Select(l => l.PlanId));
        Assert.Equal(leases.Count, leases.Select(l => l.LeaseId).Distinct().Count());
        Assert.True(leases[0].LeaseId > old.Leases[0].Lease.LeaseId, "a taken-over symbol gets a larger fencing id");
    }

    [Fact]
    public async Task Of_two_releases_of_one_lease_in_one_round_exactly_one_succeeds()
    {
        var repo = NewRepo();
        var lease = (await Store.ReserveAsync(NewPlan(), 60, [Item(repo, "App.Released")], CancellationToken.None)).Leases[0].Lease;
        var other = (await Store.ReserveAsync(NewPlan(), 60, [Item(repo, "App.AlsoReleased")], CancellationToken.None)).Leases[0].Lease;

        var released = await WhileTheLaneIsBlockedAsync<bool>(repo, () =>
        [
            Store.ReleaseAsync(lease.LeaseId, CancellationToken.None),
            Store.ReleaseAsync(lease.LeaseId, CancellationToken.None),
            Store.ReleaseAsync(other.LeaseId, CancellationToken.None),
        ], blockReleases: true);

        Assert.Equal(1, released.Take(2).Count(r => r));
        Assert.True(released[2]);
        Assert.Equal(2L, await srm.QueryScalarAsync<long>(
            "SELECT count(*) FROM lease_history WHERE (lease_id = $1 OR lease_id = $2) AND released_at IS NOT NULL", lease.LeaseId, other.LeaseId));
    }

    /// <summary>
    /// Holds the row lock of a lease the lane then tries to reserve (or release), waits until the lane's statement is
    /// stuck on it, issues <paramref name="calls"/> (queued behind it), and lets the lane go.
    /// </summary>
    private async Task<T[]> WhileTheLaneIsBlockedAsync<T>(string repo, Func<Task<T>[]> calls, bool blockReleases = false)
    {
        var holder = NewPlan();
        var blocking = (await Store.ReserveAsync(holder, 60, [Item(repo, "App.Blocking")], CancellationToken.None)).Leases[0].Lease;
        await using var connection = new NpgsqlConnection(srm.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM leases WHERE lease_id = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<long> { TypedValue = blocking.LeaseId });
            await lockRow.ExecuteScalarAsync();
        }

        Task stuck = blockReleases
            ? Store.ReleaseAsync(blocking.LeaseId, CancellationToken.None)
            : Store.ReserveAsync(holder, 60, [Item(repo, "App.Blocking")], CancellationToken.None);
        await WaitForLockWaiterAsync();
        var results = calls();
        await transaction.CommitAsync();
        await stuck;
        return await Task.WhenAll(results);
    }

    // On a connection of its own: pg_stat_activity is a snapshot within a transaction.
    private async Task WaitForLockWaiterAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var connection = new NpgsqlConnection(srm.ConnectionString);
        await connection.OpenAsync(timeout.Token);
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        while ((long)(await waiting.ExecuteScalarAsync(timeout.Token))! == 0)
        {
            await Task.Yield();
        }
    }

    private static SymbolReservation Item(string repo, string fqName) => new(new SymbolKey(repo, "main", fqName), "method", "src/App.cs");
}
