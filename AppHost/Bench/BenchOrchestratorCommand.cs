using System.CommandLine;
using AppHost.Resources.Kafka;
using AppHost.Resources.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppHost.Bench;

/// <summary>
/// <c>dotnet run --project AppHost -c Release -- bench-orchestrator [--requests N] [--steps S]</c>: a small app model
/// of its own (a throwaway local Postgres, the in-memory dev broker, the Orchestrator without Srm), the anchor
/// (<c>pgbench -N</c> on a scratch database of that Postgres), then the load.
/// </summary>
public static class BenchOrchestratorCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = new Option<int>("--requests") { Description = "Change requests to submit.", DefaultValueFactory = _ => 500 };
        var steps = new Option<int>("--steps") { Description = "Steps (code tasks) per plan.", DefaultValueFactory = _ => 2 };
        var concurrency = new Option<int>("--submit-concurrency") { Description = "Parallel HTTP submissions.", DefaultValueFactory = _ => 16 };
        var singles = new Option<int>("--single-requests") { Description = "Requests run one at a time before the load (single-request latency).", DefaultValueFactory = _ => 20 };
        var clients = new Option<int>("--pgbench-clients") { Description = "Clients of the pgbench -N anchor.", DefaultValueFactory = _ => 32 };
        var seconds = new Option<int>("--pgbench-seconds") { Description = "Duration of the pgbench -N anchor (0: skip it).", DefaultValueFactory = _ => 20 };
        var replicas = new Option<int>("--replicas") { Description = "Orchestrator replicas sharing the load (scale-out: the API through Aspire's proxy, the partitions through the consumer group).", DefaultValueFactory = _ => 1 };
        var command = new RootCommand("Load test of the Orchestrator through the dev Kafka broker and a throwaway Postgres: prints pgbench -N tps (the anchor), " +
            "single-request latency, transitions/s and end-to-end latency under load, and the ratio to the anchor.")
        {
            requests, steps, concurrency, singles, clients, seconds, replicas,
        };
        command.SetAction((parse, cancellationToken) => BenchAsync(new OrchestratorBenchSettings(Math.Max(1, parse.GetValue(requests)),
            Math.Max(1, parse.GetValue(steps)), Math.Max(1, parse.GetValue(concurrency)), Math.Max(0, parse.GetValue(singles)),
            Math.Max(1, parse.GetValue(clients)), Math.Max(0, parse.GetValue(seconds)), Math.Max(1, parse.GetValue(replicas))), cancellationToken));
        return await command.Parse(args).InvokeAsync();
    }

    private static async Task<int> BenchAsync(OrchestratorBenchSettings settings, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("bench-orchestrator-");
        // As root, the local Postgres runs as user 'postgres', which must be able to enter the folder.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101);
        try
        {
            var builder = DistributedApplication.CreateBuilder(LocalDashboard.Options([], disableDashboard: true));
            builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            var postgres = builder.AddLocalPostgres("postgres", data.FullName);
            var database = postgres.AddDatabase("orchestratordb");
            var anchorDatabase = postgres.AddDatabase("pgbenchdb");
            var kafka = builder.AddDevKafka("kafka");
            var orchestrator = builder.AddProject<Projects.Orchestrator>("orchestrator")
                .WithReference(kafka).WithReference(database).WaitFor(kafka).WaitFor(database).WaitFor(anchorDatabase)
                .WithEnvironment("DOTNET_ENVIRONMENT", "Production")
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
                .WithEnvironment("Logging__LogLevel__Default", "Warning")
                // The dev broker (librdkafka's mock cluster) holds an empty fetch for all of fetch.wait.max.ms instead of answering
                // when a record arrives, as a real broker does; on it, each hop would wait half of that on average.
                .WithEnvironment("Orchestrator__Kafka__FetchWaitMaxMs", "5")
                // No Srm in this bench: lease releases are retried in the background and do not affect the figures.
                .WithEnvironment("services__srm__http__0", "http://127.0.0.1:9")
                .WithEnvironment("Orchestrator__LeaseRelease__RetryDelay", "00:01:00")
                .WithHttpHealthCheck("/health");
            if (settings.Replicas > 1) orchestrator.WithReplicas(settings.Replicas);

            await using var app = builder.Build();
            await app.StartAsync(cancellationToken);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            await WaitForHealthyReplicasAsync(notifications, "orchestrator", settings.Replicas, cancellationToken);
            Console.WriteLine($"{settings.Replicas} Orchestrator replica(s)");
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole());
            Console.WriteLine($"Throwaway Postgres and the dev Kafka broker ({AppHost.Infrastructure.DevKafka.InMemoryNotice})");
            var anchorTps = double.NaN;
            if (settings.PgbenchSeconds > 0)
            {
                Console.WriteLine($"anchor: pgbench -N -c {settings.PgbenchClients} -T {settings.PgbenchSeconds} (scale {PgbenchAnchor.Scale}) on a scratch database of the same Postgres");
                anchorTps = await PgbenchAnchor.RunAsync((await anchorDatabase.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!,
                    settings.PgbenchClients, settings.PgbenchSeconds, cancellationToken);
                Console.WriteLine($"anchor: {anchorTps:0} tps");
            }
            var bench = new OrchestratorBench(settings, loggerFactory, Console.WriteLine);
            var result = await bench.RunAsync(new Uri(orchestrator.Resource.GetEndpoint("http").Url),
                (await kafka.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!,
                (await database.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!, anchorTps, cancellationToken);
            await app.StopAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            try { data.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Waits until <paramref name="replicas"/> replicas of <paramref name="name"/> are healthy (each replica reports as its own resource id).</summary>
    private static async Task WaitForHealthyReplicasAsync(ResourceNotificationService notifications, string name, int replicas, CancellationToken cancellationToken)
    {
        var healthy = new HashSet<string>();
        await foreach (var update in notifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != name) continue;
            if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy) healthy.Add(update.ResourceId);
            else healthy.Remove(update.ResourceId);
            if (healthy.Count >= replicas) return;
        }
    }
}
