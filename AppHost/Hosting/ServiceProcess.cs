using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;

namespace AppHost.Hosting;

/// <summary>
/// One service running as a child process (<c>dotnet Service.dll</c>) with Aspire-convention
/// environment; its output lines go to <paramref name="output"/> prefixed with its name.
/// </summary>
public sealed partial class ServiceProcess(
    ServiceProject project,
    string assemblyPath,
    IReadOnlyDictionary<string, string> environment,
    Uri httpUrl,
    Uri healthUrl,
    Action<string, string> output,
    ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private readonly Queue<string> _recentLines = new();
    private Process? _process;

    public ServiceProject Project { get; } = project;

    /// <summary>The endpoint other services reach it at (gRPC h2c for gRPC services).</summary>
    public Uri HttpUrl { get; } = httpUrl;

    /// <summary>HTTP/1.1 address serving <c>/health</c>, <c>/alive</c> and <c>/metrics</c>.</summary>
    public Uri HealthUrl { get; } = healthUrl;

    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assemblyPath },
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;

        lock (_recentLines) _recentLines.Clear();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            if (State is not ResourceState.Stopping and not ResourceState.Stopped) State = ResourceState.Exited;
        };
        State = ResourceState.Starting;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        LogStarted(logger, Project.Name, process.Id, HttpUrl);
    }

    /// <summary>Waits until <c>/health</c> answers 200; fails with the last log lines if the process dies first.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        var lastStatus = "no answer";
        while (deadline.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process is null || _process.HasExited)
                throw new InvalidOperationException(
                    $"{Project.Name} exited with code {_process?.ExitCode} before it was healthy. Its last output:\n{string.Join('\n', RecentLines())}");
            try
            {
                using var response = await http.GetAsync(new Uri(HealthUrl, "/health"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    State = ResourceState.Running;
                    return;
                }
                lastStatus = $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException e)
            {
                lastStatus = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastStatus = "timed out";
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new TimeoutException($"{Project.Name} was not healthy within {timeout.TotalSeconds:0} s (last: {lastStatus}). Its last output:\n{string.Join('\n', RecentLines())}");
    }

    /// <summary>SIGTERM, then SIGKILL if it does not exit within the grace period.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        State = ResourceState.Stopping;
        if (!process.HasExited)
        {
            Signals.Send(process.Id, Signals.SigTerm);
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                LogForcedStop(logger, Project.Name, StopGrace.TotalSeconds);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        State = ResourceState.Stopped;
        process.Dispose();
        _process = null;
    }

    /// <summary>SIGKILL, as a crash would: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process) return;
        State = ResourceState.Stopping;
        if (!process.HasExited)
        {
            Signals.Send(process.Id, Signals.SigKill);
            await process.WaitForExitAsync();
        }
        State = ResourceState.Exited;
        process.Dispose();
        _process = null;
    }

    public IReadOnlyList<string> RecentLines()
    {
        lock (_recentLines) return _recentLines.ToArray();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_recentLines)
        {
            _recentLines.Enqueue(line);
            if (_recentLines.Count > 40) _recentLines.Dequeue();
        }
        output(Project.Name, line);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started {Resource} (pid {Pid}) at {Url}")]
    private static partial void LogStarted(ILogger logger, string resource, int pid, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} did not stop within {Seconds} s of SIGTERM; killed it")]
    private static partial void LogForcedStop(ILogger logger, string resource, double seconds);
}
