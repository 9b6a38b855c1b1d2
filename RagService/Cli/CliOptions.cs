using System.CommandLine;

namespace RagService.Cli;

public static class CliOptions
{
    public const int BadInputExitCode = 2;

    /// <summary>Batch mode finished but some input lines were rejected (details on stderr).</summary>
    public const int PartialFailureExitCode = 3;

    /// <summary>The index command found no file to index (details on stderr).</summary>
    public const int NothingIndexedExitCode = 4;

    public static Option<DirectoryInfo> Root()
    {
        var option = new Option<DirectoryInfo>("--root")
        {
            Description = "The repository working tree to index.",
            Required = true,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<DirectoryInfo>() is { } root && File.Exists(root.FullName))
                result.AddError($"--root '{root.FullName}' is a file; give the folder of the repository's working tree (e.g. --root {Path.GetDirectoryName(root.FullName)}).");
        });
        return option;
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return BadInputExitCode;
    }
}
