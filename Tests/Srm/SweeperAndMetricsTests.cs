using System.Diagnostics.Metrics;
using Contracts.Srm;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Core;
using Tests.Infrastructure;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>The background sweeper and the "Srm" meter, on a service that sweeps every 200 ms with no grace.</summary>
public sealed class SweeperAndMetricsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private SrmTestHost srm = null!;

    public async Task InitializeAsync() =>
        srm = await SrmTestHost.StartAsync(await postgres.CreateDatabaseAsync("srm_sweep"), new Dictionary<string, string>
        {
            ["Srm:SweepInterval"] = "00:00:00.200",
            ["Srm:SweepGrace"] = "00:00:00",
        });

    public async Task DisposeAsync() => await srm.DisposeAsync();

    [Fact]
    public async Task Ended_rows_are_swept_in_the_background_and_their_history_stays()
    {
        var repo = NewRepo();
        var expiring = await srm.ReserveAsync(Reserve(repo, "App.A", "plan-a", ttlSeconds: 1));
        var released = await srm.ReserveAsync(Reserve(repo, "App.B", "plan-a", ttlSeconds: 600));
        await srm.ReleaseAsync(released.LeaseId);
        var live = await srm.ReserveAsync(Reserve(repo, "App.C", "plan-a", ttlSeconds: 600));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await srm.QueryScalarAsync<long>("SELECT count(*) FROM leases WHERE repo = $1", repo) > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sweeper did not delete the ended rows within 30 s");
            await Task.Delay(100);
        }

        Assert.Equal(live.LeaseId, await srm.QueryScalarAsync<long>("SELECT lease_id FROM leases WHERE repo = $1", repo));
        Assert.Equal(3L, await srm.QueryScalarAsync<long>("SELECT count(*) FROM lease_history WHERE repo = $1", repo));
        // A swept lease id is still fenced, and its symbol is free.
        var stale = await Assert.ThrowsAsync<RpcException>(() => srm.RenewAsync(expiring.LeaseId, 60));
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
        Assert.Contains("expired", stale.Status.Detail);
        Assert.True((await srm.ReserveAsync(Reserve(repo, "App.A", "plan-b"))).LeaseId > live.LeaseId);
    }

    [Fact]
    public async Task Reservations_are_counted_by_result_timed_and_live_leases_are_gauged()
    {
        var meterFactory = srm.Services.GetRequiredService<IMeterFactory>();
        var counts = new Dictionary<string, long>();
        var durations = 0;
        long? liveGauge = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Meter.Name == "Srm")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (counts)
            {
                if (instrument.Name == "srm_reservations_total")
                {
                    var result = (string)tags.ToArray().Single(t => t.Key == "result").Value!;
                    counts[result] = counts.GetValueOrDefault(result) + value;
                }
                else if (instrument.Name == "srm_live_leases")
                {
                    liveGauge = value;
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "srm_request_duration_seconds")
            {
                Interlocked.Increment(ref durations);
            }
        });
        listener.Start();

        var repo = NewRepo();
        await srm.ReserveAsync(Reserve(repo, "App.A", "plan-a"));
        await srm.ReserveAsync(Reserve(repo, "App.A", "plan-a"));
        await Assert.ThrowsAsync<RpcException>(() => srm.ReserveAsync(Reserve(repo, "App.A", "plan-b")));
        await Assert.ThrowsAsync<RpcException>(() => srm.ReserveAsync(Reserve(repo, "App.A", "")));
        await srm.ReserveBatchAsync(Batch("plan-b", 60, Ref(repo, "App.A"), Ref(repo, "App.B")));
        await srm.ReserveBatchAsync(Batch("plan-b", 60, Ref(repo, "App.B")));

        lock (counts)
        {
            Assert.Equal(2, counts.GetValueOrDefault("granted"));
            Assert.Equal(1, counts.GetValueOrDefault("renewed"));
            Assert.Equal(2, counts.GetValueOrDefault("conflict"));
            Assert.Equal(1, counts.GetValueOrDefault("invalid"));
        }

        Assert.Equal(6, Volatile.Read(ref durations));

        // The gauge follows the sweeper's count of live leases in the whole database.
        var expected = await srm.QueryScalarAsync<long>("SELECT count(*) FROM leases WHERE released_at IS NULL AND expires_at > clock_timestamp()");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            listener.RecordObservableInstruments();
            lock (counts)
            {
                if (liveGauge == expected)
                {
                    break;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"srm_live_leases showed {liveGauge}, expected {expected}");
            await Task.Delay(100);
        }
    }
}
