using RagService.Indexing;
using Spectre.Console;

namespace RagService.Cli;

/// <summary>
/// Indexing progress on stderr (stdout carries results only): a Spectre.Console progress bar on a terminal,
/// one line per stage otherwise (logs, CI, pipes).
/// </summary>
public static class CliProgress
{
    private static readonly IAnsiConsole ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static async Task<T> RunAsync<T>(Func<IProgress<IndexProgress>, Task<T>> work)
    {
        if (Console.IsErrorRedirected || !ErrorConsole.Profile.Capabilities.Interactive)
        {
            var lines = new StageLines();
            return await work(lines).ConfigureAwait(false);
        }
        T result = default!;
        await ErrorConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var scan = context.AddTask("Reading and chunking files");
                var embed = context.AddTask("Embedding chunks");
                var reporter = new Progress<IndexProgress>(p =>
                {
                    var task = p.Stage == "scan" ? scan : embed;
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Total == 0 ? task.MaxValue : p.Done;
                });
                result = await work(reporter).ConfigureAwait(false);
                scan.Value = scan.MaxValue;
                embed.Value = embed.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }

    private sealed class StageLines : IProgress<IndexProgress>
    {
        private readonly Lock gate = new();
        private string? lastStage;

        public void Report(IndexProgress value)
        {
            lock (gate)
            {
                if (value.Stage == lastStage && value.Done != value.Total) return;
                lastStage = value.Stage;
                Console.Error.WriteLine($"[{value.Stage}] {value.Done}/{value.Total}");
            }
        }
    }
}
