using System.Diagnostics;
using System.Text;
using AppHost.Infrastructure;
using Confluent.Kafka;
using Contracts;
using Contracts.Core;
using Contracts.Rag;
using Contracts.Srm;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using RagService.Hosting;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Retrieval;
using RequestPlanner.Worker;
using ServiceDefaults;
using ServiceDefaults.Kafka;
using ServiceDefaults.Postgres;
using Srm.Hosting;
using SrmClient = Contracts.Srm.Srm.SrmClient;
using RagClient = Contracts.Rag.Rag.RagClient;
using Tests.Infrastructure;

namespace Tests.Planner;

/// <summary>
/// The RequestPlanner service with the REAL RagService (in-memory store, indexing a small git repository) and the
/// REAL Srm (over the shared throwaway Postgres), all on real Kestrel h2c, through the dev Kafka broker (librdkafka's
/// mock cluster, in memory). No LLM is configured, so plans come from the retrieval planner: deterministic, which
/// is what lets "redelivery changes nothing" be asserted exactly.
/// </summary>
public sealed class PlannerIntegrationFixture : IAsyncLifetime
{
    public const string Repo = "demo-shop";
    public const string Branch = "main";

    private readonly PostgresFixture postgres = new();
    private string workspace = null!;

    public DevKafka Kafka { get; private set; } = null!;
    public KestrelTestHost Rag { get; private set; } = null!;
    public KestrelTestHost Srm { get; private set; } = null!;
    public KestrelTestHost Planner { get; private set; } = null!;
    public SrmClient SrmClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        workspace = Directory.CreateTempSubdirectory("planner-it-").FullName;
        var repository = Path.Combine(workspace, "shop");
        WriteRepository(repository);

        Rag = await KestrelTestHost.StartAsync("RagService", builder => builder.AddRagService(), app => app.MapRagService(),
            new Dictionary<string, string?> { ["Rag:WorkspaceRoots:0"] = workspace }, HttpProtocols.Http2);
        var status = await new RagClient(Rag.CreateChannel()).IndexRepositoryAsync(new IndexRepositoryRequest { Repo = Repo, Branch = Branch, Path = repository }, deadline: DateTime.UtcNow + TimeSpan.FromSeconds(60)).ResponseAsync;
        if (status.State != IndexStatus.Types.State.Ready) throw new InvalidOperationException($"Indexing failed: {status.Error}");

        await postgres.InitializeAsync();
        var srmDatabase = await postgres.CreateDatabaseAsync("planner_it_srm");
        Srm = await KestrelTestHost.StartAsync("Srm", builder => builder.AddSrm(), app => app.MapSrm(), new Dictionary<string, string?> { ["ConnectionStrings:srmdb"] = srmDatabase }, HttpProtocols.Http2);
        SrmClient = new SrmClient(Srm.CreateChannel());

        Kafka = DevKafka.Start();
        foreach (var topic in new[] { Topics.ChangeRequestIn, Topics.DeadLetter(Topics.ChangeRequestIn), Topics.PlanOut })
            Kafka.CreateTopic(topic, 1);

        Planner = await KestrelTestHost.StartAsync("RequestPlanner", builder =>
        {
            builder.AddServiceDefaults();
            builder.AddRequestPlanner();
        }, app => app.MapDefaultEndpoints(), PlannerTestKit.OfflinePlannerSettings(Kafka.BootstrapServers, Srm.Address.ToString(), Rag.Address.ToString()));
    }

    public async Task DisposeAsync()
    {
        await Planner.DisposeAsync();
        await Srm.DisposeAsync();
        await Rag.DisposeAsync();
        Kafka.Dispose();
        try { Directory.Delete(workspace, recursive: true); } catch (IOException) { }
    }

    public async Task PublishAsync(ChangeRequest request)
    {
        using var publisher = new KafkaPublisher(Kafka.BootstrapServers, NullLogger<KafkaPublisher>.Instance);
        await publisher.PublishAsync(Topics.ChangeRequestIn, request.Id, request, CancellationToken.None);
    }

    public async Task<List<long>> LeaseIdsOfAsync(string planId)
    {
        var reply = await SrmClient.ListLeasesAsync(new ListLeasesRequest { PlanId = planId, PageSize = 1000 }, deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30)).ResponseAsync;
        return [.. reply.Leases.Select(l => l.LeaseId).Order()];
    }

    public static ChangeRequest Request(string description) => new()
    {
        Id = Guid.NewGuid().ToString(), Requester = "integration-test", Repo = Repo, Branch = Branch, Description = description,
    };

    private static void WriteRepository(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "app"));
        File.WriteAllText(Path.Combine(root, "app", "main.py"),
            "import sys\n\n\ndef main():\n    \"\"\"Entry point of the shop app.\"\"\"\n    print(\"shop app started\")\n    return 0\n\n\nif __name__ == \"__main__\":\n    sys.exit(main())\n");
        File.WriteAllText(Path.Combine(root, "app", "orders.py"),
            "class OrderBook:\n    def __init__(self):\n        self.orders = []\n\n    def add_order(self, order):\n        self.orders.append(order)\n        return len(self.orders)\n");
        File.WriteAllText(Path.Combine(root, "README.md"), "# Shop\n\nA tiny shop app used by the planner's integration test.\n");
        Git(root, "init", "-q");
        Git(root, "add", ".");
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {process.StandardError.ReadToEnd()}");
    }
}

public sealed class PlannerIntegrationTests(PlannerIntegrationFixture fixture) : IClassFixture<PlannerIntegrationFixture>
{
    [Fact]
    public async Task Ready_then_blocked_on_the_same_symbol_and_redelivery_changes_nothing()
    {
        // 1. A change request becomes a READY plan whose leases Srm lists under the plan id.
        var first = PlannerIntegrationFixture.Request("add greet() to the shop app and call it from main");
        await fixture.PublishAsync(first);
        var plan = Plan.Parser.ParseFrom(WaitForPlans(first.Id, 1)[0].Message.Value);

        Assert.Equal(PlanStatus.Ready, plan.Status);
        Assert.Equal(RetrievalPlanner.Name, plan.Planner);
        Assert.Equal(PlanIdentity.ForRequest(first.Id), plan.Id);
        Assert.Equal((StepKind.Add, "add greet()", "app/main.py"), (plan.Steps[0].KnownKind, plan.Steps[0].Goal, plan.Steps[0].Path));
        Assert.Contains(plan.Steps, s => s.KnownKind == StepKind.Edit && s.Symbols.Contains("main"));
        Assert.NotEmpty(plan.ReservedLeaseIds);
        Assert.Equal([.. plan.ReservedLeaseIds.Select(long.Parse)], await fixture.LeaseIdsOfAsync(plan.Id));

        // 2. Another request touching greet is BLOCKED by the first plan, and reserves nothing.
        var second = PlannerIntegrationFixture.Request("add greet() to the order book");
        await fixture.PublishAsync(second);
        var blocked = Plan.Parser.ParseFrom(WaitForPlans(second.Id, 1)[0].Message.Value);

        Assert.Equal(PlanStatus.Blocked, blocked.Status);
        Assert.Empty(blocked.ReservedLeaseIds);
        var conflict = Assert.Single(blocked.Conflicts, c => c.FqName == "greet");
        Assert.Equal(plan.Id, conflict.HolderPlanId);
        Assert.Contains(conflict.HolderLeaseId, plan.ReservedLeaseIds.Select(long.Parse));
        Assert.NotNull(conflict.ExpiresAt);
        Assert.Empty(await fixture.LeaseIdsOfAsync(blocked.Id));

        // 3. Redelivering the first request yields the same plan id and the same leases, and Srm holds no more.
        await fixture.PublishAsync(first);
        var again = Plan.Parser.ParseFrom(WaitForPlans(first.Id, 2)[1].Message.Value);

        Assert.Equal(PlanStatus.Ready, again.Status);
        Assert.Equal(plan.Id, again.Id);
        Assert.Equal(plan.ReservedLeaseIds, again.ReservedLeaseIds);
        Assert.Equal(plan.Steps, again.Steps);
        Assert.Equal([.. plan.ReservedLeaseIds.Select(long.Parse)], await fixture.LeaseIdsOfAsync(plan.Id));
    }

    [Fact]
    public async Task A_malformed_message_lands_in_the_dead_letter_topic_and_the_next_request_is_planned()
    {
        var poisonKey = $"poison-{Guid.NewGuid():N}";
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = fixture.Kafka.BootstrapServers }).Build())
        {
            var headers = new Headers { { KafkaHeaderNames.ContentType, Encoding.UTF8.GetBytes(MessageTypes.ContentType<ChangeRequest>()) } };
            await producer.ProduceAsync(Topics.ChangeRequestIn, new Message<string, byte[]> { Key = poisonKey, Value = [0x0A, 0xFF, 0x01], Headers = headers });
        }
        var next = PlannerIntegrationFixture.Request("add record_refund() to the order book");
        await fixture.PublishAsync(next);

        var dead = TopicReader.WaitFor(fixture.Kafka.BootstrapServers, Topics.DeadLetter(Topics.ChangeRequestIn), r => r.Message.Key == poisonKey)[0];
        Assert.Contains("not a valid core.ChangeRequest", TopicReader.Header(dead, KafkaHeaderNames.DeadLetterError));
        var plan = Plan.Parser.ParseFrom(WaitForPlans(next.Id, 1)[0].Message.Value);
        Assert.Equal(PlanStatus.Ready, plan.Status);
        Assert.Contains(plan.Steps, s => s.Symbols.Contains("record_refund"));
        Assert.Equal([.. plan.ReservedLeaseIds.Select(long.Parse)], await fixture.LeaseIdsOfAsync(plan.Id));
    }

    private List<ConsumeResult<string, byte[]>> WaitForPlans(string requestId, int count) =>
        TopicReader.WaitFor(fixture.Kafka.BootstrapServers, Topics.PlanOut, r => r.Message.Key == requestId, count);
}
