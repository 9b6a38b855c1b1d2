using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost.Hosting;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Grpc.Net.Client;
using RagClient = Contracts.Rag.Rag.RagClient;
using SrmClient = Contracts.Srm.Srm.SrmClient;
using ServiceDefaults.Kafka;

namespace Tests.EndToEnd;

/// <summary>
/// The AppHost's composition started from the test, as Aspire's DistributedApplicationTestingBuilder does:
/// a throwaway Postgres, the dev Kafka broker and the four services as real processes.
/// </summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    private readonly List<string> _output = [];
    private LocalDistributedApplication? _system;

    public LocalDistributedApplication System => _system ?? throw new InvalidOperationException("not started");

    public string Repository { get; private set; } = "";

    public HttpClient Orchestrator { get; private set; } = null!;

    public SrmClient Srm { get; private set; } = null!;

    public RagClient Rag { get; private set; } = null!;

    public KafkaPublisher Publisher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Repository = SampleRepository.Create();
        _system = new LocalDistributedApplication(new LocalSystemOptions
        {
            WorkspaceRoots = [Path.GetDirectoryName(Repository)!],
            Output = (name, line) => { lock (_output) _output.Add($"{name} | {line}"); },
            ExtraEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                // No LLM here: the planner's labelled retrieval-based fallback plans offline.
                ["requestplanner"] = new Dictionary<string, string> { ["OpenAI__Endpoint"] = "", ["OpenAI__ApiKey"] = "" },
            },
        }, NullLoggerFactory.Instance);
        try
        {
            await _system.StartAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"The system did not start: {e.Message}\n{RecentOutput()}", e);
        }

        Orchestrator = new HttpClient { BaseAddress = System[PipelineResources.Orchestrator.Name].HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        Srm = new SrmClient(GrpcChannel.ForAddress(System[PipelineResources.Srm.Name].HttpUrl));
        Rag = new RagClient(GrpcChannel.ForAddress(System[PipelineResources.RagService.Name].HttpUrl));
        Publisher = new KafkaPublisher(System.KafkaBootstrapServers, NullLogger<KafkaPublisher>.Instance);

    }

    private Task<IndexStatus> IndexAsync(string branch) =>
        Rag.IndexRepositoryAsync(new IndexRepositoryRequest { Repo = Repository, Branch = branch, Path = Repository }, deadline: DateTime.UtcNow + TimeSpan.FromMinutes(2)).ResponseAsync;

    public async Task DisposeAsync()
    {
        Publisher?.Dispose();
        Orchestrator?.Dispose();
        if (_system is not null) await _system.DisposeAsync();
        try { Directory.Delete(Repository, recursive: true); } catch (IOException) { }
    }

    public string RecentOutput()
    {
        lock (_output) return string.Join('\n', _output.TakeLast(80));
    }

    /// <summary>Indexes the sample repository as <paramref name="branch"/> (leases are per branch), then submits over HTTP.</summary>
    public async Task<string> SubmitAsync(string branch, string description)
    {
        await IndexAsync(branch);
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

    /// <summary>Polls the request until <paramref name="done"/> holds; fails with the request and the services' output.</summary>
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
            await Task.Delay(250);
        }
        throw new TimeoutException($"request {id} did not reach {what}; last state: {last}\n{RecentOutput()}");
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
