using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Grpc.Net.Client;
using RagClient = Contracts.Rag.Rag.RagClient;
using SrmClient = Contracts.Srm.Srm.SrmClient;
using ServiceDefaults.Kafka;

namespace Tests.EndToEnd;

/// <summary>
/// The AppHost's own app model (Program.cs) started by Aspire.Hosting.Testing: the installed Postgres on a data folder
/// of this run, the in-memory dev broker and the four services as real processes under DCP, on random ports, with
/// their telemetry sent to an in-test OTLP receiver.
/// </summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    public static readonly string[] Services = ["srm", "ragservice", "requestplanner", "orchestrator"];

    private DirectoryInfo? _data;

    public DistributedApplication App { get; private set; } = null!;

    public Telemetry.OtlpReceiver Telemetry { get; } = new();

    public string Repository { get; private set; } = "";

    public HttpClient Orchestrator { get; private set; } = null!;

    public SrmClient Srm { get; private set; } = null!;

    public RagClient Rag { get; private set; } = null!;

    public KafkaPublisher Publisher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Repository = SampleRepository.Create();
        _data = Directory.CreateTempSubdirectory("pipeline-data-");
        // As root, the local Postgres runs as user 'postgres', which must be able to enter the folder.
        File.SetUnixFileMode(_data.FullName, (UnixFileMode)0b111_101_101);
        await Telemetry.StartAsync();

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            $"--AppHost:DataDirectory={_data.FullName}",
            $"--AppHost:WorkspaceRoots:0={Path.GetDirectoryName(Repository)}",
            "--AppHost:Infrastructure=local",
            // No LLM here: the planner's labelled retrieval-based fallback plans offline.
            "--OpenAI:Endpoint=",
            "--OpenAI:ApiKey=",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={Telemetry.Address}",
        ]);
        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(startup.Token);
        await Task.WhenAll(Services.Select(name => App.ResourceNotifications.WaitForResourceHealthyAsync(name, startup.Token)));

        Orchestrator = App.CreateHttpClient("orchestrator");
        Orchestrator.Timeout = TimeSpan.FromSeconds(30);
        Srm = new SrmClient(GrpcChannel.ForAddress(App.GetEndpoint("srm", "http")));
        Rag = new RagClient(GrpcChannel.ForAddress(App.GetEndpoint("ragservice", "http")));
        Publisher = new KafkaPublisher((await App.GetConnectionStringAsync("kafka"))!, NullLogger<KafkaPublisher>.Instance);
    }

    public async Task DisposeAsync()
    {
        Publisher?.Dispose();
        Orchestrator?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        await Telemetry.DisposeAsync();
        try { _data?.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        try { Directory.Delete(Repository, recursive: true); } catch (IOException) { }
    }

    /// <summary>Kills the service's process as a crash would (SIGKILL, no shutdown code), then starts it again through Aspire.</summary>
    public async Task CrashAndRestartAsync(string name)
    {
        var pid = await ProcessIdAsync(name);
        foreach (var process in ProcessTree.Find(pid).Append(pid)) ProcessTree.Kill(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await App.ResourceNotifications.WaitForResourceAsync(name, KnownResourceStates.TerminalStates, timeout.Token);
        var result = await App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(result.Success, $"restarting {name}: {result.Message}");
        await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
    }

    private async Task<int> ProcessIdAsync(string name)
    {
        var resource = await App.ResourceNotifications.WaitForResourceAsync(name, e => e.Snapshot.Properties.Any(p => p.Name == "executable.pid" && p.Value is not null));
        return Convert.ToInt32(resource.Snapshot.Properties.First(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Gives the sample repository <paramref name="branch"/> (leases are per branch), then submits over HTTP.</summary>
    public async Task<string> SubmitAsync(string branch, string description)
    {
        SampleRepository.AddBranch(Repository, branch);
        using var response = await Orchestrator.PostAsJsonAsync("/api/change-requests",
            new { repo = Repository, branch, description, requester = "e2e" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"HTTP {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetAsync(string id)
    {
        using var response = await Orchestrator.GetAsync($"/api/change-requests/{id}");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    /// <summary>Polls the request until <paramref name="done"/> holds; fails with the request's last state.</summary>
    public async Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync(id);
                if (done(last)) return last;
            }
            catch (HttpRequestException)
            {
                // the Orchestrator may be restarting
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"request {id} did not reach {what}; last state: {last}");
    }

    public Task<JsonElement> WaitForStageAsync(string id, string stage, TimeSpan? timeout = null) =>
        WaitForAsync(id, r => r.GetProperty("stage").GetString() == stage, stage, timeout);

    public async Task<IReadOnlyList<Lease>> LeasesOfPlanAsync(string planId) =>
        (await Srm.ListLeasesAsync(new ListLeasesRequest { PlanId = planId, PageSize = 100 }).ResponseAsync).Leases;
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}
