using System.Diagnostics;
using System.Globalization;
using Contracts.Srm;
using Grpc.Core;
using Grpc.Net.Client;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Srm.Bench;

/// <summary>
/// Load against a running Srm: <c>--clients</c> concurrent callers for <c>--seconds</c> each phase, over
/// <c>--symbols</c> symbols of a fresh repository name. Single phase: Reserve a random symbol, Release it when
/// granted. Batch phase: ReserveBatch of <c>--batch</c> distinct random symbols, ReleasePlan when granted.
/// Latency is of the Reserve/ReserveBatch call alone; throughput counts reservation calls (each granted one is
/// followed by its release, which the rate includes). A call refused with ABORTED (or granted=false) is a conflict.
/// </summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        using var channel = GrpcChannel.ForAddress(options.Url);
        var client = new SrmClient(channel);
        var repo = "bench-" + Guid.NewGuid().ToString("N")[..12];

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Srm bench against {options.Url}: {options.Clients} clients, {options.WarmupSeconds} s warm-up, {options.Seconds} s per phase, {options.Symbols} symbols, repo {repo}, {Environment.ProcessorCount} cores"));

        try
        {
            // Warm up connections, the server's pool and both processes' JIT (tiered compilation recompiles hot code
            // for seconds under load; on 2 busy cores it is still at it after 2 s) so the phases measure steady state.
            if (options.WarmupSeconds > 0)
            {
                await RunPhaseAsync("warmup", 1, options with { Seconds = options.WarmupSeconds }, (id, random, ct) => SingleAsync(client, repo, id, random, options, ct));
            }

            var single = await RunPhaseAsync("single", 1, options, (id, random, ct) => SingleAsync(client, repo, id, random, options, ct));
            Console.WriteLine(single.Format());
            if (options.Database is { } database)
            {
                var anchor = await PgbenchAnchor.RunAsync(database, options, repo + "-pgbench", CancellationToken.None);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"pgbench    {anchor,9:F0} reserve+release/s (same statements, {options.Clients} clients, prepared)  ratio Srm/pgbench {single.CallsPerSecond / anchor:F2}"));
            }

            if (options.BatchSize > 0)
            {
                var batch = await RunPhaseAsync($"batch({options.BatchSize})", options.BatchSize, options,
                    (id, random, ct) => BatchAsync(client, repo, id, random, options, ct));
                Console.WriteLine(batch.Format());
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            await Console.Error.WriteLineAsync($"Cannot reach the Srm at {options.Url}: {e.Status.Detail}. Start it first (dotnet run --project Srm).");
            return 1;
        }

        return 0;
    }

    private delegate Task<(CallOutcome Outcome, TimeSpan Latency)> Call(int clientId, Random random, CancellationToken cancellationToken);

    private enum CallOutcome
    {
        Granted,
        Conflict,
        Error,
    }

    private static async Task<BenchResult> RunPhaseAsync(string phase, int symbolsPerCall, BenchOptions options, Call call)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, options.Clients).Select(id => Task.Run(async () =>
        {
            var random = new Random(id * 7919 + phase.Length);
            var latencies = new List<double>(4096);
            long granted = 0, conflicts = 0, errors = 0;
            while (!stop.IsCancellationRequested)
            {
                var (outcome, latency) = await call(id, random, CancellationToken.None);
                latencies.Add(latency.TotalMilliseconds);
                switch (outcome)
                {
                    case CallOutcome.Granted: granted++; break;
                    case CallOutcome.Conflict: conflicts++; break;
                    default: errors++; break;
                }
            }

            return (latencies, granted, conflicts, errors);
        })).ToList();

        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = results.SelectMany(r => r.latencies).ToArray();
        Array.Sort(all);
        return new BenchResult(phase, symbolsPerCall, elapsed, all.Length,
            results.Sum(r => r.granted), results.Sum(r => r.conflicts), results.Sum(r => r.errors), all);
    }

    private static async Task<(CallOutcome, TimeSpan)> SingleAsync(
        SrmClient client, string repo, int clientId, Random random, BenchOptions options, CancellationToken cancellationToken)
    {
        var symbol = random.Next(options.Symbols);
        var request = new ReserveRequest
        {
            Repo = repo,
            Branch = "main",
            FqName = $"Bench.Type{symbol / 10}.Method{symbol}",
            Kind = "method",
            FilePath = $"src/Type{symbol / 10}.cs",
            PlanId = $"bench-single-{clientId}",
            TtlSec = options.TtlSeconds,
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reply = await client.ReserveAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            await client.ReleaseAsync(new ReleaseRequest { LeaseId = reply.LeaseId }, deadline: Deadline(), cancellationToken: cancellationToken);
            return (CallOutcome.Granted, latency);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
        {
            return (CallOutcome.Conflict, Stopwatch.GetElapsedTime(started));
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Unavailable)
        {
            return (CallOutcome.Error, Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task<(CallOutcome, TimeSpan)> BatchAsync(
        SrmClient client, string repo, int clientId, Random random, BenchOptions options, CancellationToken cancellationToken)
    {
        var planId = $"bench-batch-{clientId}";
        var request = new ReserveBatchRequest { PlanId = planId, TtlSec = options.TtlSeconds };
        var chosen = new HashSet<int>();
        while (chosen.Count < options.BatchSize)
        {
            chosen.Add(random.Next(options.Symbols));
        }

        request.Items.AddRange(chosen.Select(symbol => new SymbolRef
        {
            Repo = repo,
            Branch = "main",
            FqName = $"Bench.Type{symbol / 10}.Method{symbol}",
            Kind = "method",
            FilePath = $"src/Type{symbol / 10}.cs",
        }));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reply = await client.ReserveBatchAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            if (!reply.Granted)
            {
                return (CallOutcome.Conflict, latency);
            }

            await client.ReleasePlanAsync(new ReleasePlanRequest { PlanId = planId }, deadline: Deadline(), cancellationToken: cancellationToken);
            return (CallOutcome.Granted, latency);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Unavailable)
        {
            return (CallOutcome.Error, Stopwatch.GetElapsedTime(started));
        }
    }

    private static DateTime Deadline() => TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(30);
}
