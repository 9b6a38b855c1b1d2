using System.Diagnostics;
using System.Net.Http.Json;
using Confluent.Kafka;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServiceDefaults.Kafka;

namespace AppHost.Bench;

/// <summary>
/// Load for the Orchestrator through the broker: the Orchestrator as the bench's app model starts it (see
/// <see cref="BenchOrchestratorCommand"/>), N requests submitted over HTTP,
/// and stand-in agents that answer each stage as soon as they see it (reading the Orchestrator's database whenever it announces a commit)
/// until every request is done. Prints transitions/s and end-to-end latency (submission → done, both
/// timestamps taken by the Orchestrator; they include the stand-ins' reaction time).
/// </summary>
public sealed class OrchestratorBench(OrchestratorBenchSettings settings, ILoggerFactory loggerFactory, Action<string> print)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CommitPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Runs the load against a started Orchestrator (its URL, broker and database): a warm-up, then
    /// <see cref="OrchestratorBenchSettings.SingleRequests"/> requests one after another (single-request latency), then
    /// <see cref="OrchestratorBenchSettings.Requests"/> at once. <paramref name="anchorTps"/> is what pgbench did just before.
    /// </summary>
    public async Task<int> RunAsync(Uri url, string kafkaBootstrapServers, string connectionString, double anchorTps, CancellationToken cancellationToken)
    {
        print($"Orchestrator (Release build expected) running at {url}; {settings.SingleRequests} single request(s), then {settings.Requests} at once, {settings.Steps} step(s) each");

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        // Stand-ins answer a stage as soon as they see it; lingering would only delay each answer.
        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaPublisher.Configure(new ProducerConfig { BootstrapServers = kafkaBootstrapServers, LingerMs = 0 })).Build();
        var agents = new KafkaPublisher(producer, loggerFactory.CreateLogger<KafkaPublisher>());
        using var http = new HttpClient { BaseAddress = url };
        // The stand-ins wake up when the Orchestrator announces a commit (Orchestrator.Replicas.CommitAnnouncement.Channel).
        await using var commits = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var listen = new NpgsqlCommand("LISTEN orchestrator_commits", commits)) await listen.ExecuteNonQueryAsync(cancellationToken);

        // Warm-up: the first message on each topic pays for metadata and fetch start-up; keep that out of the figures.
        await DriveAsync(dataSource, commits, agents, await SubmitAsync(http, 5, cancellationToken), cancellationToken);

        var singles = new List<string>();
        for (var i = 0; i < settings.SingleRequests; i++)
        {
            var single = await SubmitAsync(http, 1, cancellationToken);
            await DriveAsync(dataSource, commits, agents, single, cancellationToken);
            singles.AddRange(single);
        }
        if (singles.Count > 0)
        {
            var (_, single) = await StatsAsync(dataSource, singles, cancellationToken);
            print($"single request (one at a time, {singles.Count} in a row), submitted → done: p50 {single.P50 * 1000:0} ms, p95 {single.P95 * 1000:0} ms, max {single.Max * 1000:0} ms");
            await PrintHopsAsync(dataSource, singles, cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        var ids = await SubmitAsync(http, settings.Requests, cancellationToken);
        var submitted = clock.Elapsed;

        await DriveAsync(dataSource, commits, agents, ids, cancellationToken);
        var elapsed = clock.Elapsed;

        var (transitions, latency) = await StatsAsync(dataSource, ids, cancellationToken);
        var rate = transitions / elapsed.TotalSeconds;
        print($"requests: {settings.Requests}, steps per plan: {settings.Steps}, applied transitions: {transitions}");
        print($"submission: {settings.Requests / submitted.TotalSeconds:0} requests/s over HTTP ({submitted.TotalSeconds:0.00} s)");
        print($"total: {elapsed.TotalSeconds:0.00} s, {rate:0} transitions/s through the broker");
        print($"end-to-end latency (submitted → done): p50 {latency.P50 * 1000:0} ms, p95 {latency.P95 * 1000:0} ms, p99 {latency.P99 * 1000:0} ms, max {latency.Max * 1000:0} ms");
        if (!double.IsNaN(anchorTps)) print($"anchor: pgbench -N {anchorTps:0} tps; transitions/s / anchor = {rate / anchorTps:0.00}x");

        await PrintHopsAsync(dataSource, ids, cancellationToken);
        return 0;
    }

    /// <summary>Where the time goes: mean time from a request's previous transition to each trigger (one broker hop plus the stand-in's reaction).</summary>
    private async Task PrintHopsAsync(NpgsqlDataSource dataSource, List<string> ids, CancellationToken cancellationToken)
    {
        await using var hops = dataSource.CreateCommand(
            "SELECT trigger, avg(gap) * 1000 FROM (SELECT trigger, seq, extract(epoch FROM at - lag(at) OVER (PARTITION BY request_id ORDER BY seq)) AS gap " +
            "FROM history WHERE applied AND request_id = ANY($1)) t WHERE gap IS NOT NULL GROUP BY trigger ORDER BY min(seq)");
        hops.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await using var hopReader = await hops.ExecuteReaderAsync(cancellationToken);
        var parts = new List<string>();
        while (await hopReader.ReadAsync(cancellationToken)) parts.Add($"{hopReader.GetString(0)} {hopReader.GetDouble(1):0} ms");
        print("  mean time since the previous transition: " + string.Join(", ", parts));
    }

    private sealed record Latency(double P50, double P95, double P99, double Max);

    /// <summary>Applied transitions of <paramref name="ids"/> and their submitted → done latency in seconds (both timestamps the Orchestrator's).</summary>
    private static async Task<(long Transitions, Latency Latency)> StatsAsync(NpgsqlDataSource dataSource, List<string> ids, CancellationToken cancellationToken)
    {
        await using var stats = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM history WHERE applied AND request_id = ANY($1)), " +
            "percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at)), " +
            "max(extract(epoch FROM updated_at - created_at)) FROM requests WHERE stage = 'done' AND id = ANY($1)");
        stats.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await using var reader = await stats.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var percentiles = reader.GetFieldValue<double[]>(1);
        return (reader.GetInt64(0), new Latency(percentiles[0], percentiles[1], percentiles[2], reader.GetDouble(2)));
    }

    private sealed record Submitted(string Id, string Stage, string Location);

    private async Task<List<string>> SubmitAsync(HttpClient http, int count, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(settings.SubmitConcurrency);
        var submissions = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                using var response = await http.PostAsJsonAsync("/api/change-requests",
                    new { repo = "https://example.test/bench.git", branch = "main", description = $"bench request {i}", requester = "bench" }, cancellationToken);
                response.EnsureSuccessStatusCode();
                return (await response.Content.ReadFromJsonAsync<Submitted>(cancellationToken))!.Id;
            }
            finally
            {
                gate.Release();
            }
        });
        return [.. await Task.WhenAll(submissions)];
    }

    /// <summary>Answers each stage once per request, as the later agents would, until every request is done.</summary>
    private async Task DriveAsync(NpgsqlDataSource dataSource, NpgsqlConnection commits, KafkaPublisher agents, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var answered = new Dictionary<string, string>();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = dataSource.CreateCommand("SELECT id, stage, pending_tasks FROM requests WHERE stage NOT IN ('done', 'regress') AND id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
            var open = new List<(string Id, string Stage, string[] Pending)>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) open.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2)));
            }
            if (open.Count == 0) return;
            if (deadline.Elapsed > Timeout) throw new TimeoutException($"{open.Count} request(s) did not finish within {Timeout}.");

            var publishes = new List<Task>();
            foreach (var (id, stage, pending) in open)
            {
                if (answered.TryGetValue(id, out var seen) && seen == stage) continue;
                answered[id] = stage;
                foreach (var (topic, message) in Answer(id, stage, pending))
                    publishes.Add(agents.PublishAsync(new OutgoingMessage(topic, id, message.ToByteArray(), message.Descriptor.FullName, OutgoingMessage.NewMessageId(), null), cancellationToken));
            }
            await Task.WhenAll(publishes);
            // Until the Orchestrator's next commit (a notification that arrived meanwhile returns at once), or a poll's worth.
            await commits.WaitAsync(CommitPollInterval, cancellationToken);
        }
    }

    private IEnumerable<(string Topic, IMessage Message)> Answer(string id, string stage, string[] pending)
    {
        switch (stage)
        {
            case "plan_phase":
                var plan = new Plan { Id = PlanIdentity.ForRequest(id), ParentRequestId = id, Status = PlanStatus.Ready, Planner = "bench" };
                for (var i = 0; i < settings.Steps; i++) plan.Steps.Add(new Step { Order = i + 1, Goal = $"step {i + 1}", Kind = "EDIT", Path = $"src/f{i}.cs" });
                yield return (Topics.PlanOut, plan);
                break;
            case "code_phase":
                foreach (var task in pending)
                    yield return (Topics.CommitResultOut, new CommitResult { RequestId = id, TaskId = task, Status = "SUCCESS", CommitSha = "bench" });
                break;
            case "build1":
            case "build2":
                yield return (Topics.BuildReportOut, new BuildReport { RequestId = id, Status = "PASSED", BuildId = stage });
                break;
            case "test_plan":
                yield return (Topics.TestSpecOut, new TestSpec { RequestId = id, Cases = { "case" } });
                break;
            case "test_build":
                yield return (Topics.GeneratedTestsOut, new GeneratedTests { RequestId = id, Precheck = "PASSED" });
                break;
        }
    }
}
