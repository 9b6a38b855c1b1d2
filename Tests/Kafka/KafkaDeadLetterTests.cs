using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Contracts;
using Contracts.Core;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class KafkaDeadLetterTests(DevKafkaFixture broker) : IClassFixture<DevKafkaFixture>
{
    [Fact]
    public async Task Poison_message_goes_to_dlq_with_its_headers_and_the_consumer_carries_on()
    {
        var topic = broker.CreateTopicWithDeadLetter("poison");
        using var deadLettered = new CounterProbe("kafka.messages.dead_lettered", topic);
        var handled = new List<string>();
        var processed = Channel.CreateUnbounded<ChangeRequest>();
        var options = KafkaTestKit.Options(topic);
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, options,
            async (message, _) =>
            {
                lock (handled) handled.Add(message.Key);
                await processed.Writer.WriteAsync(message.Parse<ChangeRequest>());
            });

        // A length-delimited field that claims 16 bytes but carries one: not valid protobuf.
        byte[] malformed = [0x0A, 0x10, 0x41];
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        await KafkaTestKit.ProduceRawAsync(broker.BootstrapServers, topic, "cr-poison", malformed,
            (KafkaHeaderNames.MessageId, "poison-1"),
            (KafkaHeaderNames.ContentType, MessageTypes.ContentType<ChangeRequest>()),
            (KafkaHeaderNames.TraceParent, traceParent));
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);
        await publisher.PublishAsync(topic, "cr-good", new ChangeRequest { Id = "cr-good" }, CancellationToken.None);

        Assert.Equal("cr-good", (await processed.Reader.ReadAsync()).Id);
        lock (handled) Assert.Equal(["cr-poison", "cr-good"], handled); // poison: one attempt, no retries

        var dead = Assert.Single(KafkaTestKit.ReadFromStart(broker.BootstrapServers, Topics.DeadLetter(topic), 1));
        Assert.Equal("cr-poison", dead.Message.Key);
        Assert.Equal(malformed, dead.Message.Value);
        Assert.Equal("poison-1", KafkaTestKit.Header(dead, KafkaHeaderNames.MessageId));
        Assert.Equal(MessageTypes.ContentType<ChangeRequest>(), KafkaTestKit.Header(dead, KafkaHeaderNames.ContentType));
        Assert.Equal(traceParent, KafkaTestKit.Header(dead, KafkaHeaderNames.TraceParent));
        Assert.Equal(typeof(PoisonMessageException).FullName, KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterErrorType));
        Assert.Contains("not a valid core.ChangeRequest", KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterError));
        Assert.Equal(topic, KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterSourceTopic));
        Assert.Equal("0", KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterSourcePartition));
        Assert.Equal("0", KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterSourceOffset));
        Assert.Equal(options.GroupId, KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterConsumerGroup));
        Assert.Equal(1, deadLettered.Total("poison"));
    }

    [Fact]
    public async Task Message_that_keeps_failing_is_dead_lettered_after_the_retries()
    {
        var topic = broker.CreateTopicWithDeadLetter("failing");
        using var deadLettered = new CounterProbe("kafka.messages.dead_lettered", topic);
        var attempts = 0;
        var processed = Channel.CreateUnbounded<string>();
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, maxRetries: 2),
            async (message, _) =>
            {
                if (message.Key == "doomed")
                {
                    Interlocked.Increment(ref attempts);
                    throw new InvalidOperationException("repository not found");
                }
                await processed.Writer.WriteAsync(message.Key);
            });
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);

        await publisher.PublishAsync(topic, "doomed", new ChangeRequest { Id = "doomed" }, CancellationToken.None);
        await publisher.PublishAsync(topic, "next", new ChangeRequest { Id = "next" }, CancellationToken.None);

        Assert.Equal("next", await processed.Reader.ReadAsync());
        Assert.Equal(3, attempts); // first attempt + 2 retries
        var dead = Assert.Single(KafkaTestKit.ReadFromStart(broker.BootstrapServers, Topics.DeadLetter(topic), 1));
        Assert.Equal("doomed", dead.Message.Key);
        Assert.Equal("repository not found", KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterError));
        Assert.Equal(typeof(InvalidOperationException).FullName, KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterErrorType));
        Assert.NotNull(KafkaTestKit.Header(dead, KafkaHeaderNames.MessageId));
        Assert.Equal(1, deadLettered.Total("retries_exhausted"));
    }

    [Fact]
    public async Task A_nul_character_rejected_by_postgres_is_dead_lettered_at_once_not_retried()
    {
        var topic = broker.CreateTopicWithDeadLetter("nul");
        var attempts = 0;
        var processed = Channel.CreateUnbounded<string>();
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, maxRetries: 3),
            async (message, _) =>
            {
                if (message.Key == "nul")
                {
                    Interlocked.Increment(ref attempts);
                    // What Npgsql throws when a text column is given a NUL (the handler wraps it, as stores do).
                    throw new InvalidOperationException("storing the request failed",
                        new Npgsql.PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021"));
                }
                await processed.Writer.WriteAsync(message.Key);
            });
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);

        await publisher.PublishAsync(topic, "nul", new ChangeRequest { Id = "nul" }, CancellationToken.None);
        await publisher.PublishAsync(topic, "next", new ChangeRequest { Id = "next" }, CancellationToken.None);

        Assert.Equal("next", await processed.Reader.ReadAsync());
        Assert.Equal(1, attempts);
        var dead = Assert.Single(KafkaTestKit.ReadFromStart(broker.BootstrapServers, Topics.DeadLetter(topic), 1));
        Assert.Equal("storing the request failed", KafkaTestKit.Header(dead, KafkaHeaderNames.DeadLetterError));
    }

    [Fact]
    public async Task Two_groups_dead_letter_the_same_message_each_under_its_own_group_name()
    {
        var topic = broker.CreateTopicWithDeadLetter("groups");
        Task Reject(ConsumedMessage message, CancellationToken _) => Task.FromResult(message.Parse<ChangeRequest>());
        await using var planner = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, "planner-" + topic), Reject);
        await using var orchestrator = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, "orchestrator-" + topic), Reject);

        await KafkaTestKit.ProduceRawAsync(broker.BootstrapServers, topic, "cr-bad", [0x0A, 0x10, 0x41]);

        var dead = KafkaTestKit.ReadFromStart(broker.BootstrapServers, Topics.DeadLetter(topic), 2);
        Assert.Equal(["orchestrator-" + topic, "planner-" + topic],
            dead.Select(d => KafkaTestKit.Header(d, KafkaHeaderNames.DeadLetterConsumerGroup)).Order());
        Assert.All(dead, d => Assert.Equal("0", KafkaTestKit.Header(d, KafkaHeaderNames.DeadLetterSourceOffset)));
    }

    /// <summary>Sums a ServiceDefaults.Kafka counter for one topic, by result.</summary>
    private sealed class CounterProbe : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly Dictionary<string, long> totals = [];

        public CounterProbe(string instrument, string topic)
        {
            listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == KafkaTelemetry.Name && i.Name == instrument) l.EnableMeasurementEvents(i);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? measuredTopic = null, result = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "topic") measuredTopic = tag.Value as string;
                    if (tag.Key == "result") result = tag.Value as string;
                }
                if (measuredTopic != topic || result is null) return;
                lock (totals) totals[result] = totals.GetValueOrDefault(result) + value;
            });
            listener.Start();
        }

        public long Total(string result)
        {
            lock (totals) return totals.GetValueOrDefault(result);
        }

        public void Dispose() => listener.Dispose();
    }
}
