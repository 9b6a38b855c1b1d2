using System.CommandLine;

namespace RagService.Cli;

/// <summary>The command line over the same engine as the service: <c>index</c>, <c>search</c>, <c>bench</c>, <c>mine</c>, <c>eval</c>.</summary>
public static class RagCli
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "index", "search", "bench", "mine", "eval" };

    private static readonly HashSet<string> HelpWords = new(StringComparer.Ordinal) { "help", "--help", "-h", "-?" };

    /// <summary>
    /// True when the process was started as a CLI rather than as the service. The service takes no verb, only host
    /// settings (<c>--urls=...</c>, <c>key=value</c>), so any other first word is a command, or a mistake that
    /// must print usage rather than start a server.
    /// </summary>
    public static bool IsCliInvocation(string[] args) =>
        args.Length > 0 && (HelpWords.Contains(args[0]) || (!args[0].StartsWith('-') && !args[0].Contains('=')));

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("RagService: repository indexing and hybrid code search.")
        {
            IndexCommand.Create(),
            SearchCommand.Create(),
            BenchCommand.Create(),
            MineCommand.Create(),
            EvalCommand.Create(),
        };
        if (!Verbs.Contains(args[0]))
        {
            if (!HelpWords.Contains(args[0]))
                await Console.Error.WriteLineAsync($"error: unknown command '{args[0]}'. Commands: {string.Join(", ", Verbs.Order(StringComparer.Ordinal))}; without one, RagService starts the gRPC service.");
            await root.Parse("--help").InvokeAsync();
            return CliOptions.BadInputExitCode;
        }
        return await root.Parse(args).InvokeAsync();
    }
}
