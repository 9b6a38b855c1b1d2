using System.Diagnostics;
using System.Text;

namespace AppHost.Infrastructure;

/// <summary>
/// Runs PostgreSQL's tools, as an unprivileged user when this process is root: PostgreSQL refuses to run
/// as root, so initdb, pg_ctl and postgres go through <c>runuser -u postgres --</c> (or <c>setpriv</c>).
/// </summary>
public sealed class CommandRunner
{
    private readonly string? runAsUser;

    private CommandRunner(string? runAsUser) => this.runAsUser = runAsUser;

    public string? RunAsUser => runAsUser;

    public static CommandRunner ForCurrentUser()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return new CommandRunner(null);
        }
        var user = Environment.GetEnvironmentVariable("LOCALPG_RUN_AS") is { Length: > 0 } configured ? configured : "postgres";
        if (!UserExists(user))
        {
            throw new InvalidOperationException(
                $"Running as root, and PostgreSQL refuses to run as root, but there is no user '{user}' to run it as. " +
                "Install the server with `apt-get install postgresql` (it creates the 'postgres' user), create one with `useradd --system postgres`, " +
                "or set LOCALPG_RUN_AS to an existing unprivileged user.");
        }
        return new CommandRunner(user);
    }

    /// <summary>Hands a folder tree we created to the user that runs PostgreSQL.</summary>
    public async Task GiveOwnershipAsync(string path, CancellationToken cancellationToken)
    {
        if (runAsUser is null)
        {
            return;
        }
        var result = await RunRawAsync("chown", ["-R", $"{runAsUser}:", path], workingDirectory: null, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown of {path} to '{runAsUser}' failed: {result.Output}");
        }
    }

    public Task<CommandResult> RunAsync(string executable, IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken cancellationToken)
    {
        if (runAsUser is null)
        {
            return RunRawAsync(executable, arguments, workingDirectory, cancellationToken);
        }
        return File.Exists("/usr/sbin/runuser") || File.Exists("/sbin/runuser")
            ? RunRawAsync("runuser", ["-u", runAsUser, "--", executable, .. arguments], workingDirectory, cancellationToken)
            : RunRawAsync("setpriv", [$"--reuid={runAsUser}", $"--regid={runAsUser}", "--init-groups", "--", executable, .. arguments], workingDirectory, cancellationToken);
    }

    private static async Task<CommandResult> RunRawAsync(string executable, IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        lock (output)
        {
            return new CommandResult(process.ExitCode, output.ToString().Trim());
        }
    }

    private static bool UserExists(string user) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(user + ":", StringComparison.Ordinal));
}

public sealed record CommandResult(int ExitCode, string Output);
