using System.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RequestPlanner.Worker;
using ServiceDefaults;
using Tests.Infrastructure;
using Tests.Rag;

namespace Tests.Orchestrator;

/// <summary>
/// The Orchestrator (its harness: own broker, database and stand-in Srm) with the REAL RagService over a workspace
/// holding a small git repository, and the REAL RequestPlanner (retrieval planner, no LLM) on the same broker.
/// </summary>
public sealed class ReviewFlowSystem : IAsyncDisposable
{
    private ReviewFlowSystem(OrchestratorHarness orchestrator, KestrelTestHost rag, KestrelTestHost planner, string workspace, string repository)
    {
        Orchestrator = orchestrator;
        Rag = rag;
        Planner = planner;
        Workspace = workspace;
        Repository = repository;
    }

    public OrchestratorHarness Orchestrator { get; }
    public KestrelTestHost Rag { get; }
    public KestrelTestHost Planner { get; }
    public string Workspace { get; }

    /// <summary>The repository's only branch: not "main", so the page's default must come from the repository.</summary>
    public const string Branch = "trunk";

    /// <summary>A git working tree (branch <see cref="Branch"/>, one commit) under the workspace root; never indexed.</summary>
    public string Repository { get; }

    public static async Task<ReviewFlowSystem> StartAsync(PostgresFixture postgres, string name, IDictionary<string, string?>? orchestratorSettings = null)
    {
        var workspace = Directory.CreateTempSubdirectory("review-flow-").FullName;
        var repository = Path.Combine(workspace, "shop");
        WriteRepository(repository);
        var rag = await RagServiceHost.StartAsync(workspace);
        var settings = new Dictionary<string, string?>
        {
            ["services:ragservice:http:0"] = rag.Address.ToString(),
            ["Orchestrator:Workflow:CodeAgentGrace"] = "00:00:00",
        };
        foreach (var (key, value) in orchestratorSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        var orchestrator = await OrchestratorHarness.StartAsync(postgres, name, settings);
        var planner = await KestrelTestHost.StartAsync("RequestPlanner", builder =>
        {
            builder.AddServiceDefaults();
            builder.AddRequestPlanner();
        }, app => app.MapDefaultEndpoints(), Tests.Planner.PlannerTestKit.OfflinePlannerSettings(orchestrator.Kafka.BootstrapServers, orchestrator.Srm.Url, rag.Address.ToString()));
        return new ReviewFlowSystem(orchestrator, rag, planner, workspace, repository);
    }

    private static void WriteRepository(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "app"));
        File.WriteAllText(Path.Combine(root, "app", "main.py"),
            "import sys\n\n\ndef main():\n    \"\"\"Entry point of the shop app.\"\"\"\n    print(\"shop app started\")\n    return 0\n\n\nif __name__ == \"__main__\":\n    sys.exit(main())\n");
        File.WriteAllText(Path.Combine(root, "app", "orders.py"),
            "class OrderBook:\n    def __init__(self):\n        self.orders = []\n\n    def add_order(self, order):\n        self.orders.append(order)\n        return len(self.orders)\n");
        File.WriteAllText(Path.Combine(root, "README.md"), "# Shop\n\nA tiny shop app the review flow plans against.\n");
        Git(root, "init", "-q", "-b", Branch);
        Git(root, "add", ".");
        Git(root, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "shop");
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {process.StandardError.ReadToEnd()}");
    }

    public async ValueTask DisposeAsync()
    {
        await Planner.DisposeAsync();
        await Orchestrator.DisposeAsync();
        await Rag.DisposeAsync();
        try { Directory.Delete(Workspace, recursive: true); } catch (IOException) { }
    }
}
