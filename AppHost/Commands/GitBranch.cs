using System.Diagnostics;

namespace AppHost.Commands;

internal static class GitBranch
{
    /// <summary>The working tree's current branch, or <c>main</c> when it is not a git checkout.</summary>
    public static async Task<string> CurrentAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", path, "rev-parse", "--abbrev-ref", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var branch = (await git.StandardOutput.ReadToEndAsync(cancellationToken)).Trim();
            await git.WaitForExitAsync(cancellationToken);
            return git.ExitCode == 0 && branch.Length > 0 && branch != "HEAD" ? branch : "main";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "main";   // git is not installed
        }
    }
}
