using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Tests.Orchestrator;

/// <summary>
/// The Orchestrator as an OS process of its own (<c>dotnet Orchestrator.dll</c>, its build output), on a free port,
/// configured by command-line settings: a replica that a test can kill with SIGKILL, as a crash would.
/// </summary>
public sealed partial class OrchestratorProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Lock gate = new();
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OrchestratorProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{Name} exited before listening:\n{Output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int ProcessId => process.Id;

    public HttpClient Http { get; private set; } = null!;

    public string Output
    {
        get { lock (gate) return $"--- {Name} (pid {process.Id}) ---\n{output}"; }
    }

    /// <summary>Starts a replica named <paramref name="name"/> (its Postgres application name, so a test can tell its sessions apart).</summary>
    public static async Task<OrchestratorProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings)
    {
        var assembly = typeof(OrchestratorProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "OrchestratorAssembly").Value!;
        Assert.True(File.Exists(assembly), $"{assembly} is missing: build Tests/Tests.csproj (it builds the Orchestrator).");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information");
        foreach (var (key, value) in settings)
        {
            var setting = key == "ConnectionStrings:orchestratordb" ? $"{value};Application Name={name}" : value;
            start.ArgumentList.Add($"--{key}={setting}");
        }
        var replica = new OrchestratorProcess(name, Process.Start(start)!);
        using var timeout = new CancellationTokenSource(OrchestratorHarness.Timeout);
        var address = await replica.listening.Task.WaitAsync(timeout.Token);
        replica.Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        await OrchestratorHarness.WaitUntilAsync(async () =>
        {
            try
            {
                using var health = await replica.Http.GetAsync("/health");
                return health.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"{name} to be healthy:\n{replica.Output}");
        return replica;
    }

    /// <summary>SIGKILL: no shutdown code runs, no offset is committed, no lock is released but by the session's end.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (gate) output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
