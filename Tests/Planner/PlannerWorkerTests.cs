using System.Globalization;
using System.Net;
using System.Text;
using AppHost.Infrastructure;
using Confluent.Kafka;
using Contracts;
using Contracts.Core;
using Microsoft.AspNetCore.Builder;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Reservations;
using RequestPlanner.Worker;
using ServiceDefaults;
using ServiceDefaults.Kafka;
using Tests.Infrastructure;

namespace Tests.Planner;

/// <summary>
/// The RequestPlanner service as Program.cs wires it (AddServiceDefaults + AddRequestPlanner), configured
/// only through configuration keys, against the dev Kafka broker (librdkafka mock cluster, in memory),
/// a fake OpenAI-compatible server and gRPC fakes of RagService and Srm.
/// </summary>
public sealed class PlannerWorkerFixture : IAsyncLifetime
{
    public DevKafka Kafka { get; private set; } = null!;
    public FakeOpenAiServer OpenAi { get; private set; } = null!;
    public FakeRagAndSrm Dependencies { get; private set; } = null!;
    public KestrelTestHost Service { get; private set; } = null!;
    public Uri ServiceAddress => Service.Address;

    public async Task InitializeAsync()
    {
        Kafka = DevKafka.Start();
        foreach (var topic in new[] { Topics.ChangeRequestIn, Topics.DeadLetter(Topics.ChangeRequestIn), Topics.PlanOut })
            Kafka.CreateTopic(topic, 1);

        OpenAi = await FakeOpenAiServer.StartAsync();
        // Each request names its own function, so plans of different tests never contend for a symbol.
        OpenAi.ReplyAlways(request =>
        {
            var name = DescriptionSymbols.Capture(request.LastUserMessage).First();
            return FakeOpenAiServer.PlanJson(
                ($"add {name}()", "ADD", "src/app.py", [name]),
                ($"call {name}() from main", "EDIT", "src/app.py", []));
        });
        Dependencies = await FakeRagAndSrm.StartAsync(PlannerTestKit.Context(), "src/app.py", "src/util.py");

        Service = await KestrelTestHost.StartAsync("RequestPlanner", builder =>
        {
            builder.AddServiceDefaults();
            builder.AddRequestPlanner();
        }, app => app.MapDefaultEndpoints(), new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = Kafka.BootstrapServers,
            ["services:srm:http:0"] = Dependencies.SrmHost.Address.ToString(),
            ["services:ragservice:http:0"] = Dependencies.Rag.Address.ToString(),
            ["OpenAI:Endpoint"] = OpenAi.Endpoint,
            ["OpenAI:ApiKey"] = PlannerTestKit.ApiKey,
            ["OpenAI:RetryBaseDelay"] = "00:00:00.010",
            ["Planner:LeaseTtlSeconds"] = "600",
            ["Planner:Consumer:MaxRetries"] = "1",
            ["Planner:Consumer:RetryDelay"] = "00:00:00.010",
            ["Planner:Consumer:SessionTimeoutMs"] = "3000",
            ["Planner:Consumer:HeartbeatIntervalMs"] = "300",
        });
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Dependencies.DisposeAsync();
        await OpenAi.DisposeAsync();
        Kafka.Dispose();
    }
}

public sealed class PlannerWorkerTests(PlannerWorkerFixture fixture) : IClassFixture<PlannerWorkerFixture>
{
    [Fact]
    public async Task A_change_request_becomes_a_ready_plan_on_plan_out_keyed_by_the_request_id()
    {
        var request = PlannerTestKit.Request(Guid.NewGuid().ToString(), "add greet() to the app and call it from main");
        await PublishAsync(request);

        var record = ReadUntil(Topics.PlanOut, r => r.Message.Key == request.Id);

        Assert.Equal("application/x-protobuf; messageType=core.Plan", Header(record, KafkaHeaderNames.ContentType));
        Assert.False(string.IsNullOrEmpty(Header(record, KafkaHeaderNames.MessageId)));
        var plan = Plan.Parser.ParseFrom(record.Message.Value);
        Assert.Equal(PlanStatus.Ready, plan.Status);
        Assert.Equal((PlanIdentity.ForRequest(request.Id), request.Id, "llm:gpt-4o-mini"), (plan.Id, plan.ParentRequestId, plan.Planner));
        Assert.Equal("add greet()", plan.Steps[0].Goal);
        Assert.Single(plan.ReservedLeaseIds);
        Assert.All(plan.ReservedLeaseIds, id => Assert.Contains(fixture.Dependencies.Srm.Leases, l => l.LeaseId == long.Parse(id, CultureInfo.InvariantCulture) && l.PlanId == plan.Id));
    }

    [Fact]
    public async Task A_malformed_message_is_dead_lettered_and_the_next_request_is_still_planned()
    {
        var poisonKey = $"poison-{Guid.NewGuid():N}";
        await ProduceRawAsync(poisonKey, [0xFF, 0xFF, 0xFF, 0x07, 0x01]);
        var request = PlannerTestKit.Request(Guid.NewGuid().ToString(), "add after_poison() to the app");
        await PublishAsync(request);

        var dead = ReadUntil(Topics.DeadLetter(Topics.ChangeRequestIn), r => r.Message.Key == poisonKey);
        Assert.Contains("is not a valid core.ChangeRequest", Header(dead, KafkaHeaderNames.DeadLetterError));
        Assert.Equal(Topics.ChangeRequestIn, Header(dead, KafkaHeaderNames.DeadLetterSourceTopic));

        var plan = Plan.Parser.ParseFrom(ReadUntil(Topics.PlanOut, r => r.Message.Key == request.Id).Message.Value);
        Assert.Equal(request.Id, plan.ParentRequestId);
    }

    [Fact]
    public async Task An_invalid_request_is_dead_lettered_with_the_reason_and_not_planned()
    {
        var request = PlannerTestKit.Request(Guid.NewGuid().ToString());
        request.Repo = "";
        request.Description = new string('x', 9_000);
        await PublishAsync(request);

        var dead = ReadUntil(Topics.DeadLetter(Topics.ChangeRequestIn), r => r.Message.Key == request.Id);
        var error = Header(dead, KafkaHeaderNames.DeadLetterError)!;
        Assert.Contains("repo is required", error);
        Assert.Contains("description must be at most 8000 characters (got 9000).", error);
        Assert.Equal(typeof(PoisonMessageException).FullName, Header(dead, KafkaHeaderNames.DeadLetterErrorType));

        // A later request on the same partition is planned, so the invalid one was passed over, not planned.
        var next = PlannerTestKit.Request(Guid.NewGuid().ToString(), "add after_invalid() to the app");
        await PublishAsync(next);
        ReadUntil(Topics.PlanOut, r => r.Message.Key == next.Id);
        Assert.DoesNotContain(ReadAll(Topics.PlanOut), r => r.Message.Key == request.Id);
    }

    [Fact]
    public async Task The_service_answers_alive_health_and_metrics_with_plan_counts()
    {
        var request = PlannerTestKit.Request(Guid.NewGuid().ToString(), "add count_me() to the app");
        await PublishAsync(request);
        ReadUntil(Topics.PlanOut, r => r.Message.Key == request.Id);

        using var http = new HttpClient { BaseAddress = fixture.ServiceAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("rp_plans_total{", metrics);
        Assert.Contains("status=\"Ready\"", metrics);
        Assert.Contains("rp_planning_duration_seconds_bucket{", metrics);
        Assert.Contains("rp_llm_tokens_in_total{", metrics);
        Assert.DoesNotContain(PlannerTestKit.ApiKey, metrics);
    }

    private async Task PublishAsync(ChangeRequest request)
    {
        using var publisher = new KafkaPublisher(fixture.Kafka.BootstrapServers, Microsoft.Extensions.Logging.Abstractions.NullLogger<KafkaPublisher>.Instance);
        await publisher.PublishAsync(Topics.ChangeRequestIn, request.Id, request, CancellationToken.None);
    }

    private async Task ProduceRawAsync(string key, byte[] value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = fixture.Kafka.BootstrapServers }).Build();
        var headers = new Headers { { KafkaHeaderNames.ContentType, Encoding.UTF8.GetBytes(MessageTypes.ContentType<ChangeRequest>()) } };
        await producer.ProduceAsync(Topics.ChangeRequestIn, new Message<string, byte[]> { Key = key, Value = value, Headers = headers });
    }

    private ConsumeResult<string, byte[]> ReadUntil(string topic, Func<ConsumeResult<string, byte[]>, bool> match) =>
        TopicReader.WaitFor(fixture.Kafka.BootstrapServers, topic, match)[0];

    private List<ConsumeResult<string, byte[]>> ReadAll(string topic) => TopicReader.ReadAll(fixture.Kafka.BootstrapServers, topic);

    private static string? Header(ConsumeResult<string, byte[]> record, string name) => TopicReader.Header(record, name);
}
