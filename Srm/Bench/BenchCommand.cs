using System.Diagnostics;
using System.Globalization;
using System.Net;
using Contracts.Srm;
using ServiceDefaults.Grpc;

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
    private const string Service = "srm.v1.Srm";

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

        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler)
        {
            BaseAddress = options.Url,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var client = new GrpcClient(http);
        var repo = "bench-" + Guid.NewGuid().ToString("N")[..12];

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Srm bench against {options.Url}: {options.Clients} clients, {options.Seconds} s per phase, {options.Symbols} symbols, repo {repo}, {Environment.ProcessorCount} cores"));

        try
        {
            // Warm up connections, JIT and the server's pool so the first phase measures steady state.
            await RunPhaseAsync("warmup", 1, options with { Seconds = 2 }, (id, random, ct) => SingleAsync(client, repo, id, random, options, ct));

            var single = await RunPhaseAsync("single", 1, options, (id, random, ct) => SingleAsync(client, repo, id, random, options, ct));
            Console.WriteLine(single.Format());

            if (options.BatchSize > 0)
            {
                var batch = await RunPhaseAsync($"batch({options.BatchSize})", options.BatchSize, options,
                    (id, random, ct) => BatchAsync(client, repo, id, random, options, ct));
                Console.WriteLine(batch.Format());
            }
        }
        catch (RpcException e) when (e.Status == GrpcStatusCode.Unavailable)
        {
            await Console.Error.WriteLineAsync($"Cannot reach the Srm at {options.Url}: {e.Detail}. Start it first (dotnet run --project Srm).");
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
        GrpcClient client, string repo, int clientId, Random random, BenchOptions options, CancellationToken cancellationToken)
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
            var reply = await client.UnaryAsync<ReserveRequest, ReserveReply>(Service, "Reserve", request, cancellationToken: cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            await client.UnaryAsync<ReleaseRequest, ReleaseReply>(Service, "Release", new ReleaseRequest { LeaseId = reply.LeaseId },
                cancellationToken: cancellationToken);
            return (CallOutcome.Granted, latency);
        }
        catch (RpcException e) when (e.Status == GrpcStatusCode.Aborted)
        {
            return (CallOutcome.Conflict, Stopwatch.GetElapsedTime(started));
        }
        catch (RpcException e) when (e.Status != GrpcStatusCode.Unavailable)
        {
            return (CallOutcome.Error, Stopwatch.GetElapsedTime(started));
        }
    }

    private static async Task<(CallOutcome, TimeSpan)> BatchAsync(
        GrpcClient client, string repo, int clientId, Random random, BenchOptions options, CancellationToken cancellationToken)
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
            var reply = await client.UnaryAsync<ReserveBatchRequest, ReserveBatchReply>(Service, "ReserveBatch", request,
                cancellationToken: cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            if (!reply.Granted)
            {
                return (CallOutcome.Conflict, latency);
            }

            await client.UnaryAsync<ReleasePlanRequest, ReleasePlanReply>(Service, "ReleasePlan", new ReleasePlanRequest { PlanId = planId },
                cancellationToken: cancellationToken);
            return (CallOutcome.Granted, latency);
        }
        catch (RpcException e) when (e.Status != GrpcStatusCode.Unavailable)
        {
            return (CallOutcome.Error, Stopwatch.GetElapsedTime(started));
        }
    }
}
