using System.Net.Http.Json;
using System.Text;
using AppHost.Infrastructure;
using Confluent.Kafka;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Hosting;
using Orchestrator.Persistence;
using Orchestrator.Workflow;
using ServiceDefaults;
using ServiceDefaults.Kafka;
using Tests.Infrastructure;

namespace Tests.Orchestrator;

/// <summary>
/// A real Orchestrator (Kestrel on a free port) over its own in-memory Kafka broker (librdkafka mock cluster)
/// and its own database on the shared test Postgres, with a stand-in Srm, plus a publisher that plays the
/// later pipeline agents. The Orchestrator can be stopped and started again on the same broker and database.
/// </summary>
public sealed class OrchestratorHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string?> settings;
    private readonly string environment;
    private WebApplication? app;

    private OrchestratorHarness(DevKafka kafka, string connectionString, FakeSrm srm, Dictionary<string, string?> settings, string environment)
    {
        this.environment = environment;
        Kafka = kafka;
        ConnectionString = connectionString;
        Srm = srm;
        this.settings = settings;
        Agents = new KafkaPublisher(kafka.BootstrapServers, NullLogger<KafkaPublisher>.Instance);
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public DevKafka Kafka { get; private set; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public FakeSrm Srm { get; }

    /// <summary>Publishes as the later pipeline agents do (idempotent producer, pipeline headers).</summary>
    public KafkaPublisher Agents { get; private set; }

    public HttpClient Http { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The Orchestrator is not running.");

    public RequestQueries Queries => new(DataSource);

    public static async Task<OrchestratorHarness> StartAsync(PostgresFixture postgres, string name,
        IDictionary<string, string?>? overrides = null, bool start = true, string environment = "Production")
    {
        var kafka = DevKafka.Start();
        kafka.CreatePipelineTopics(partitions: 4);
        var connectionString = await postgres.CreateDatabaseAsync("orch_" + name);
        var srm = await FakeSrm.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = kafka.BootstrapServers,
            ["ConnectionStrings:orchestratordb"] = connectionString,
            ["services:srm:http:0"] = srm.Url,
            ["Orchestrator:Kafka:SessionTimeoutMs"] = "6000",
            ["Orchestrator:Kafka:HeartbeatIntervalMs"] = "500",
            ["Orchestrator:Kafka:MaxRetries"] = "2",
            ["Orchestrator:Kafka:RetryDelay"] = "00:00:00.050",
            ["Orchestrator:Outbox:PollInterval"] = "00:00:00.200",
            ["Orchestrator:Resubmit:PollInterval"] = "00:00:00.100",
            ["Orchestrator:LeaseRelease:PollInterval"] = "00:00:00.100",
            ["Orchestrator:LeaseRelease:RetryDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        var harness = new OrchestratorHarness(kafka, connectionString, srm, settings, environment);
        if (start) await harness.StartOrchestratorAsync();
        return harness;
    }

    /// <summary>The settings every Orchestrator of this harness starts with (broker, database, Srm, short timeouts).</summary>
    public IReadOnlyDictionary<string, string?> Settings => settings;

    /// <summary>Starts the Orchestrator (again) on the same broker and database, with extra settings for this run.</summary>
    public async Task StartOrchestratorAsync(IDictionary<string, string?>? runSettings = null)
    {
        if (app is not null) throw new InvalidOperationException("The Orchestrator is already running.");
        app = await StartReplicaAsync(runSettings);
        Address = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Starts another Orchestrator in this process on the same broker and database (a replica); the caller disposes it.</summary>
    public async Task<WebApplication> StartReplicaAsync(IDictionary<string, string?>? runSettings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "Orchestrator", EnvironmentName = environment, Args = [],
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        if (runSettings is not null) builder.Configuration.AddInMemoryCollection(runSettings);
        builder.AddServiceDefaults();
        builder.AddOrchestrator();
        var replica = builder.Build();
        replica.MapDefaultEndpoints();
        replica.MapOrchestrator();
        await replica.StartAsync();
        return replica;
    }

    public async Task StopOrchestratorAsync()
    {
        if (app is null) return;
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    /// <summary>
    /// Replaces the broker by a new, empty one, as the dev broker comes back after a restart (offsets from 0 again)
    /// while the database is kept, and starts the Orchestrator again on it.
    /// </summary>
    public async Task RestartBrokerAsync()
    {
        await StopOrchestratorAsync();
        Agents.Dispose();
        Kafka.Dispose();
        Kafka = DevKafka.Start();
        Kafka.CreatePipelineTopics(partitions: 4);
        settings["ConnectionStrings:kafka"] = Kafka.BootstrapServers;
        Agents = new KafkaPublisher(Kafka.BootstrapServers, NullLogger<KafkaPublisher>.Instance);
        await StartOrchestratorAsync();
    }

    /// <summary>Produces as the seed's agents do: the bytes only, no key and no headers (to <paramref name="partition"/> when given).</summary>
    public async Task ProduceAsSeedAsync(string topic, IMessage message, int? partition = null)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers }).Build();
        var record = new Message<Null, byte[]> { Value = message.ToByteArray() };
        if (partition is { } p) await producer.ProduceAsync(new TopicPartition(topic, p), record);
        else await producer.ProduceAsync(topic, record);
    }

    /// <summary>Submits through the HTTP front door; returns the request id.</summary>
    public async Task<string> SubmitAsync(string description = "add greet() and call it from main", string requester = "tester")
    {
        using var response = await Http.PostAsJsonAsync("/api/change-requests",
            new { repo = "https://example.test/app.git", branch = "main", description, requester });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<SubmittedBody>();
        return body!.Id;
    }

    private sealed record SubmittedBody(string Id, string Stage, string Location);

    /// <summary>Publishes as an agent would, with a given message id when a test wants to duplicate a delivery.</summary>
    public Task PublishAsync(string topic, string key, IMessage message, string? messageId = null) =>
        Agents.PublishAsync(new OutgoingMessage(topic, key, message.ToByteArray(), message.Descriptor.FullName,
            messageId ?? OutgoingMessage.NewMessageId(), null), CancellationToken.None);

    public async Task<RequestState> WaitForStageAsync(string id, Stage stage, TimeSpan? timeout = null)
    {
        RequestState? state = null;
        await WaitUntilAsync(async () => (state = await Queries.GetAsync(id, CancellationToken.None))?.Stage == stage,
            $"request {id} to reach {stage.Name()}", timeout);
        return state!;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(25);
        }
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(string id) => await Queries.TimelineAsync(id, 0, CancellationToken.None);

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Every record on <paramref name="topic"/> (all partitions) whose key is <paramref name="key"/> (null: all).</summary>
    public List<ConsumeResult<string, byte[]>> ReadTopic(string topic, string? key = null)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers, GroupId = $"reader-{Guid.NewGuid():N}", EnableAutoCommit = false,
        }).Build();
        var metadataPartitions = Enumerable.Range(0, 4).Select(p => new TopicPartition(topic, p)).ToList();
        var ends = metadataPartitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(metadataPartitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<ConsumeResult<string, byte[]>>();
        var positions = ends.ToDictionary(e => e.Key, _ => 0L);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (positions.Any(p => p.Value < ends[p.Key]) && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { IsPartitionEOF: false } record) continue;
            positions[record.Partition.Value] = record.Offset.Value + 1;
            if (key is null || record.Message.Key == key) records.Add(record);
        }
        return records;
    }

    /// <summary>The records of <paramref name="key"/> on <paramref name="topic"/> once at least <paramref name="count"/> are
    /// there: the outbox relay publishes after the stage change commits, so a stage seen is not yet a message sent.</summary>
    public async Task<List<ConsumeResult<string, byte[]>>> WaitForTopicAsync(string topic, string key, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var records = ReadTopic(topic, key);
            if (records.Count >= count || DateTime.UtcNow > deadline) return records;
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public static string? Header(ConsumeResult<string, byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    public async ValueTask DisposeAsync()
    {
        await StopOrchestratorAsync();
        Agents.Dispose();
        await DataSource.DisposeAsync();
        await Srm.DisposeAsync();
        Kafka.Dispose();
    }
}
