using System.CommandLine;

namespace RagService.Cli;

/// <summary>The command line over the same engine as the service: <c>index</c>, <c>search</c>, <c>bench</c>, <c>mine</c>, <c>eval</c>.</summary>
public static class RagCli
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "index", "search", "bench", "mine", "eval" };

    /// <summary>True when the process was started as a CLI (first argument is a verb) rather than as the service.</summary>
    public static bool IsCliInvocation(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("RagService: repository indexing and hybrid code search.")
        {
            IndexCommand.Create(),
            SearchCommand.Create(),
            BenchCommand.Create(),
            MineCommand.Create(),
            EvalCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}
