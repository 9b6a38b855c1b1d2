using System.CommandLine;
using AppHost.Terminal;

namespace AppHost.Bench;

/// <summary><c>dotnet run --project AppHost -c Release -- bench-orchestrator [--requests N] [--steps S]</c>.</summary>
public static class BenchOrchestratorCommand
{
    public static Command Create(CancellationToken shutdown)
    {
        var requests = new Option<int>("--requests") { Description = "Change requests to submit.", DefaultValueFactory = _ => 500 };
        var steps = new Option<int>("--steps") { Description = "Steps (code tasks) per plan.", DefaultValueFactory = _ => 2 };
        var concurrency = new Option<int>("--submit-concurrency") { Description = "Parallel HTTP submissions.", DefaultValueFactory = _ => 16 };
        var command = new Command("bench-orchestrator",
            "Load test of the Orchestrator through the dev Kafka broker and a throwaway Postgres: prints transitions/s and end-to-end latency.")
        {
            requests, steps, concurrency,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(shutdown, cancellationToken);
            using var loggerFactory = AppHostLogging.Create();
            var bench = new OrchestratorBench(Math.Max(1, parse.GetValue(requests)), Math.Max(1, parse.GetValue(steps)),
                Math.Max(1, parse.GetValue(concurrency)), loggerFactory, Console.WriteLine);
            return await bench.RunAsync(linked.Token);
        });
        return command;
    }
}
