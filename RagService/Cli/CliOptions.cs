using System.CommandLine;

namespace RagService.Cli;

public static class CliOptions
{
    public const int BadInputExitCode = 2;

    /// <summary>Batch mode finished but some input lines were rejected (details on stderr).</summary>
    public const int PartialFailureExitCode = 3;

    public static Option<DirectoryInfo> Root() => new("--root")
    {
        Description = "The repository working tree to index.",
        Required = true,
    };

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return BadInputExitCode;
    }
}
