using System.Diagnostics;

namespace RagService.History;

/// <summary>Runs git read-only in a folder. Null when git is missing, the folder is not in a repository or the command fails.</summary>
public static class Git
{
    public static async Task<string?> RunAsync(string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Paths verbatim (no octal quoting), never a pager or a prompt.
        foreach (var arg in new[] { "-c", "core.quotepath=off", "--no-pager" }.Concat(arguments)) start.ArgumentList.Add(arg);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            var output = await stdout.ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }

    public static Task<string?> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] arguments) =>
        RunAsync(workingDirectory, arguments, cancellationToken);
}
