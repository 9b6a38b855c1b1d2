using System.Collections.Concurrent;
using Contracts.Srm;
using Grpc.Core;
using Tests.Infrastructure;
using Xunit.Abstractions;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>
/// 64 concurrent clients race for 4 symbols for ~5 s with every operation mixed in (reserve, batch, renew,
/// release, release plan; 1-2 s TTLs, and 8 clients that never release, so leases also expire and are taken
/// over; a sweeper deleting ended rows).
/// Afterwards the database's history — not what the clients believed — must show that no two leases ever held
/// one symbol at the same moment, and that lease ids grew with every new holder.
/// </summary>
public sealed class ConcurrentLeaseRaceTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int Clients = 64;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task At_no_moment_do_two_plans_hold_a_live_lease_on_one_symbol()
    {
        await using var srm = await SrmTestHost.StartAsync(await postgres.CreateDatabaseAsync("srm_race"), new Dictionary<string, string>
        {
            ["Srm:SweepInterval"] = "00:00:00.250",
            ["Srm:SweepGrace"] = "00:00:01",
        });
        var repo = NewRepo();
        string[] symbols = ["App.Greeter", "App.Greeter.Greet", "App.Program.Main", "App.Config"];
        var unexpected = new ConcurrentQueue<string>();
        var grantedToClients = new ConcurrentBag<(long LeaseId, string PlanId)>();
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        using var stop = new CancellationTokenSource(Duration);

        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            // Sticky clients take a symbol and walk away, so their leases end by expiry, not release.
            // Other clients share plans, as redelivered requests of one plan would.
            var sticky = client < 8;
            var plan = sticky ? $"sticky-{client}" : $"plan-{client % 40}";
            var mine = new List<long>();
            while (!stop.IsCancellationRequested)
            {
                if (sticky)
                {
                    try
                    {
                        var reply = await srm.ReserveAsync(Reserve(repo, symbols[random.Next(symbols.Length)], plan, ttlSeconds: 1));
                        grantedToClients.Add((reply.LeaseId, plan));
                        await Task.Delay(1500);
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
                    {
                        statuses.AddOrUpdate(e.StatusCode, 1, (_, n) => n + 1);
                    }

                    continue;
                }

                try
                {
                    var dice = random.Next(100);
                    if (dice < 40)
                    {
                        var reply = await srm.ReserveAsync(Reserve(repo, symbols[random.Next(symbols.Length)], plan, ttlSeconds: 1 + random.Next(2)));
                        mine.Add(reply.LeaseId);
                        grantedToClients.Add((reply.LeaseId, plan));
                        if (random.Next(2) == 0)
                        {
                            // A short hold: release at once, so symbols change hands often.
                            await srm.ReleaseAsync(reply.LeaseId);
                        }
                    }
                    else if (dice < 60)
                    {
                        var pick = symbols.OrderBy(_ => random.Next()).Take(2).Select(s => Ref(repo, s)).ToArray();
                        var reply = await srm.ReserveBatchAsync(Batch(plan, 1 + random.Next(2), pick));
                        foreach (var lease in reply.Leases)
                        {
                            mine.Add(lease.LeaseId);
                            grantedToClients.Add((lease.LeaseId, plan));
                        }

                        statuses.AddOrUpdate(reply.Granted ? StatusCode.OK : StatusCode.Aborted, 1, (_, n) => n + 1);
                        continue;
                    }
                    else if (dice < 75 && mine.Count > 0)
                    {
                        // Mostly the newest lease (likely live), sometimes an old one (likely stale).
                        await srm.ReleaseAsync(random.Next(4) == 0 ? mine[random.Next(mine.Count)] : mine[^1]);
                    }
                    else if (dice < 85 && mine.Count > 0)
                    {
                        await srm.RenewAsync(mine[random.Next(mine.Count)], 1);
                    }
                    else if (dice < 90)
                    {
                        await srm.ReleasePlanAsync(plan);
                    }
                    else
                    {
                        await Task.Delay(random.Next(20));
                        continue;
                    }

                    statuses.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Aborted or StatusCode.FailedPrecondition)
                {
                    statuses.AddOrUpdate(e.StatusCode, 1, (_, n) => n + 1);
                }
                catch (RpcException e)
                {
                    unexpected.Enqueue($"{e.StatusCode}: {e.Status.Detail}");
                }
            }
        })).ToArray();
        await Task.WhenAll(clients);

        Assert.Empty(unexpected);
        Assert.Equal(0L, await srm.QueryScalarAsync<long>(LeaseHistory.OverlapsSql, repo));
        Assert.Equal(0L, await srm.QueryScalarAsync<long>(LeaseHistory.NonIncreasingIdsSql, repo));

        // The race really raced: many holders per symbol, refusals, stale ids, and takeovers of expired leases.
        var grants = await srm.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1", repo);
        var fewestHolders = await srm.QueryScalarAsync<long>(
            "SELECT min(n) FROM (SELECT count(DISTINCT plan_id) AS n FROM lease_history WHERE repo = $1 GROUP BY fq_name) x", repo);
        var expiryTakeovers = await srm.QueryScalarAsync<long>(LeaseHistory.ExpiryTakeoversSql, repo);
        output.WriteLine($"{grants} leases granted, {expiryTakeovers} after an expiry; fewest distinct plans on one symbol: {fewestHolders}; statuses: " +
            string.Join(", ", statuses.Select(s => $"{s.Key}={s.Value}")));
        Assert.True(fewestHolders >= 2, $"a symbol never changed hands between plans ({fewestHolders})");
        Assert.True(statuses.GetValueOrDefault(StatusCode.Aborted) > 0, "no reservation was ever refused");
        Assert.True(statuses.GetValueOrDefault(StatusCode.FailedPrecondition) > 0, "no stale lease id was ever refused");
        Assert.True(expiryTakeovers > 0, "no expired lease was ever taken over");

        // Every lease a client was told it got is in the history under that client's plan.
        var distinct = grantedToClients.Distinct().ToList();
        var recorded = await srm.QueryScalarAsync<long>(
            "SELECT count(*) FROM lease_history h JOIN unnest($1::bigint[], $2::text[]) AS g(lease_id, plan_id) USING (lease_id, plan_id) WHERE h.repo = $3",
            distinct.Select(g => g.LeaseId).ToArray(), distinct.Select(g => g.PlanId).ToArray(), repo);
        Assert.Equal(distinct.Count, recorded);
    }

    [Fact]
    public async Task The_history_checks_do_detect_overlapping_holders_and_shrinking_ids()
    {
        await using var srm = await SrmTestHost.StartAsync(await postgres.CreateDatabaseAsync("srm_checks"));
        var repo = NewRepo();
        // Forged history: lease 11 granted to plan b while lease 12 of plan a still held the symbol.
        await srm.QueryScalarAsync<int>("""
            INSERT INTO lease_history (lease_id, repo, branch, fq_name, kind, file_path, plan_id, granted_at, expires_at, released_at)
            VALUES (12, $1, 'main', 'X', 'class', 'x.cs', 'a', '2030-01-01 00:00:00Z', '2030-01-01 00:01:00Z', NULL),
                   (11, $1, 'main', 'X', 'class', 'x.cs', 'b', '2030-01-01 00:00:30Z', '2030-01-01 00:02:00Z', NULL),
                   (13, $1, 'main', 'Y', 'class', 'y.cs', 'a', '2030-01-01 00:00:00Z', '2030-01-01 00:01:00Z', '2030-01-01 00:00:10Z'),
                   (14, $1, 'main', 'Y', 'class', 'y.cs', 'b', '2030-01-01 00:00:10Z', '2030-01-01 00:02:00Z', NULL)
            RETURNING 0
            """, repo);

        Assert.Equal(1L, await srm.QueryScalarAsync<long>(LeaseHistory.OverlapsSql, repo));
        Assert.Equal(1L, await srm.QueryScalarAsync<long>(LeaseHistory.NonIncreasingIdsSql, repo));
    }
}
