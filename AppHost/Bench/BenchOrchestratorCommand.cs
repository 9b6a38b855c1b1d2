using System.CommandLine;
using AppHost.Resources.Kafka;
using AppHost.Resources.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppHost.Bench;

/// <summary>
/// <c>dotnet run --project AppHost -c Release -- bench-orchestrator [--requests N] [--steps S]</c>: a small app model
/// of its own (a throwaway local Postgres, the in-memory dev broker, the Orchestrator without Srm), then the load.
/// </summary>
public static class BenchOrchestratorCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = new Option<int>("--requests") { Description = "Change requests to submit.", DefaultValueFactory = _ => 500 };
        var steps = new Option<int>("--steps") { Description = "Steps (code tasks) per plan.", DefaultValueFactory = _ => 2 };
        var concurrency = new Option<int>("--submit-concurrency") { Description = "Parallel HTTP submissions.", DefaultValueFactory = _ => 16 };
        var command = new RootCommand("Load test of the Orchestrator through the dev Kafka broker and a throwaway Postgres: prints transitions/s and end-to-end latency.")
        {
            requests, steps, concurrency,
        };
        command.SetAction((parse, cancellationToken) => BenchAsync(Math.Max(1, parse.GetValue(requests)), Math.Max(1, parse.GetValue(steps)),
            Math.Max(1, parse.GetValue(concurrency)), cancellationToken));
        return await command.Parse(args).InvokeAsync();
    }

    private static async Task<int> BenchAsync(int requests, int steps, int concurrency, CancellationToken cancellationToken)
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
            var kafka = builder.AddDevKafka("kafka");
            var orchestrator = builder.AddProject<Projects.Orchestrator>("orchestrator")
                .WithReference(kafka).WithReference(database).WaitFor(kafka).WaitFor(database)
                .WithEnvironment("DOTNET_ENVIRONMENT", "Production")
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
                .WithEnvironment("Logging__LogLevel__Default", "Warning")
                // No Srm in this bench: lease releases are retried in the background and do not affect the figures.
                .WithEnvironment("services__srm__http__0", "http://127.0.0.1:9")
                .WithEnvironment("Orchestrator__LeaseRelease__RetryDelay", "00:01:00")
                .WithHttpHealthCheck("/health");

            await using var app = builder.Build();
            await app.StartAsync(cancellationToken);
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.WaitForResourceHealthyAsync("orchestrator", cancellationToken);
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole());
            var bench = new OrchestratorBench(requests, steps, concurrency, loggerFactory, Console.WriteLine);
            Console.WriteLine($"Throwaway Postgres and the dev Kafka broker ({AppHost.Infrastructure.DevKafka.InMemoryNotice})");
            var result = await bench.RunAsync(new Uri(orchestrator.Resource.GetEndpoint("http").Url),
                (await kafka.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!,
                (await database.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!, cancellationToken);
            await app.StopAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            try { data.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
