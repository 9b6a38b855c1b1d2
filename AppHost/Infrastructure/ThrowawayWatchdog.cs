using System.Diagnostics;

namespace AppHost.Infrastructure;

/// <summary>
/// A detached shell (own session, so killing the owner's process tree spares it) that waits for the owning
/// process to end, however it ends, then stops the throwaway server and deletes its folders. An orderly
/// Dispose gets there first and leaves it nothing to do.
/// </summary>
internal static class ThrowawayWatchdog
{
    // stdio goes to /dev/null first thing, so the watcher never holds a caller's output pipe open.
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        if [ -f "$3/postmaster.pid" ]; then
          if [ -n "$6" ]; then runuser -u "$6" -- "$2" stop -D "$3" -m immediate -w -s; else "$2" stop -D "$3" -m immediate -w -s; fi
        fi
        rm -rf "$4"
        if [ -n "$5" ]; then rm -rf "$5"; fi
        """;

    public static void Start(string pgCtl, string dataDirectory, string rootDirectory, string? separateSocketDirectory, string? runAsUser)
    {
        if (!File.Exists("/usr/bin/setsid") && !File.Exists("/bin/setsid"))
        {
            return; // without setsid the next throwaway start still removes what a dead run left
        }
        var startInfo = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true, // detach from our terminal input
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in new[] { "-f", "sh", "-c", Script, "localpg-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     pgCtl, dataDirectory, rootDirectory, separateSocketDirectory ?? "", runAsUser ?? "" })
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo);
        process?.StandardInput.Close();
        process?.WaitForExit(5_000); // `setsid -f` returns at once, leaving the forked watcher behind
    }
}
