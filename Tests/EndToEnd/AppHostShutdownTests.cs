using System.Diagnostics;
using AppHost.Hosting;

namespace Tests.EndToEnd;

/// <summary>The AppHost run command as a user runs it: up, then Ctrl+C leaves no process behind.</summary>
public sealed class AppHostShutdownTests
{
    [Fact]
    public async Task Ctrl_C_stops_every_resource_and_leaves_no_process()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("apphost-shutdown-").FullName;
        // As root, the local Postgres runs as user 'postgres', which must be able to enter the folder.
        File.SetUnixFileMode(dataDirectory, (UnixFileMode)0b111_101_101);
        var start = new ProcessStartInfo("dotnet", [ServiceAssemblies.PathOf("AppHost")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["AppHost__DataDirectory"] = dataDirectory, ["NO_COLOR"] = "1" },
        };
        using var appHost = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.Add(line);
            if (line.Contains("Ready. Press Ctrl+C", StringComparison.Ordinal)) ready.TrySetResult();
        }
        appHost.OutputDataReceived += (_, e) => OnLine(e.Data);
        appHost.ErrorDataReceived += (_, e) => OnLine(e.Data);
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();

        try
        {
            var finished = await Task.WhenAny(ready.Task, appHost.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(4)));
            Assert.True(ready.Task.IsCompleted, "AppHost did not become ready:\n" + Snapshot(output));

            var children = ProcessTree.Find(appHost.Id, dataDirectory);
            Assert.True(children.Count >= 5, $"expected postgres and four services below AppHost, found {children.Count}:\n{Snapshot(output)}");

            Assert.True(Signals.Send(appHost.Id, 2), "could not send SIGINT");   // what Ctrl+C sends
            using var exit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await appHost.WaitForExitAsync(exit.Token);

            Assert.Equal(0, appHost.ExitCode);
            await Task.Delay(500);   // let the kernel reap what the AppHost just waited for
            var survivors = children.Where(ProcessTree.IsAlive).ToList();
            Assert.True(survivors.Count == 0, $"processes left behind: {string.Join(", ", survivors)}\n{Snapshot(output)}");
        }
        finally
        {
            if (!appHost.HasExited) appHost.Kill(entireProcessTree: true);
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    private static string Snapshot(List<string> output)
    {
        lock (output) return string.Join('\n', output.TakeLast(60));
    }
}
