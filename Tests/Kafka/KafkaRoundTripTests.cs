using System.Diagnostics;
using System.Threading.Channels;
using Contracts;
using Contracts.Core;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class KafkaRoundTripTests(DevKafkaFixture broker) : IClassFixture<DevKafkaFixture>
{
    private static readonly ActivitySource TestSource = new("Tests.Kafka");

    [Fact]
    public async Task Published_message_arrives_with_key_value_and_pipeline_headers()
    {
        var topic = broker.CreateTopicWithDeadLetter("roundtrip");
        var received = Channel.CreateUnbounded<ConsumedMessage>();
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic),
            (message, _) => received.Writer.WriteAsync(message).AsTask());
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);

        var request = new ChangeRequest { Id = "cr-1", Repo = "repo", Branch = "main", Description = "add greet()" };
        await publisher.PublishAsync(topic, request.Id, request, CancellationToken.None);

        var message = await received.Reader.ReadAsync();
        Assert.Equal(topic, message.Topic);
        Assert.Equal("cr-1", message.Key);
        Assert.Equal(request, message.Parse<ChangeRequest>());
        Assert.Equal(MessageTypes.ContentType<ChangeRequest>(), message.ContentType);
        Assert.Equal("core.ChangeRequest", message.MessageType);
        Assert.True(Guid.TryParse(message.MessageId, out _), $"message-id '{message.MessageId}' is not a GUID");
    }

    [Fact]
    public async Task Every_publish_gets_its_own_message_id()
    {
        var topic = broker.CreateTopicWithDeadLetter("ids");
        var received = Channel.CreateUnbounded<ConsumedMessage>();
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic),
            (message, _) => received.Writer.WriteAsync(message).AsTask());
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);

        var request = new ChangeRequest { Id = "cr-same" };
        await publisher.PublishAsync(topic, request.Id, request, CancellationToken.None);
        await publisher.PublishAsync(topic, request.Id, request, CancellationToken.None);

        var first = await received.Reader.ReadAsync();
        var second = await received.Reader.ReadAsync();
        Assert.NotEqual(first.MessageId, second.MessageId);
        Assert.Equal(first.Offset + 1, second.Offset);
    }

    [Fact]
    public async Task Traceparent_carries_the_publishers_trace_into_the_handler()
    {
        using var listener = ListenToKafkaAndTestActivities();
        var topic = broker.CreateTopicWithDeadLetter("trace");
        var seen = Channel.CreateUnbounded<(ConsumedMessage Message, ActivityTraceId TraceId, ActivitySpanId ParentSpanId)>();
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic),
            (message, _) => seen.Writer.WriteAsync((message, Activity.Current!.TraceId, Activity.Current.ParentSpanId)).AsTask());
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);

        ActivityTraceId publishedTrace;
        using (var request = TestSource.StartActivity("submit change request"))
        {
            Assert.NotNull(request);
            publishedTrace = request.TraceId;
            await publisher.PublishAsync(topic, "cr-trace", new ChangeRequest { Id = "cr-trace" }, CancellationToken.None);
        }

        var (message, traceId, parentSpanId) = await seen.Reader.ReadAsync();
        Assert.Equal(publishedTrace, traceId);
        var header = ActivityContext.Parse(message.TraceParent!, null);
        Assert.Equal(publishedTrace, header.TraceId);
        // The process span is the child of the publish span named by the header.
        Assert.Equal(header.SpanId, parentSpanId);
    }

    [Fact]
    public async Task Relayed_message_keeps_its_stored_message_id_and_trace()
    {
        using var listener = ListenToKafkaAndTestActivities();
        var topic = broker.CreateTopicWithDeadLetter("relay");
        var received = Channel.CreateUnbounded<ConsumedMessage>();
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic),
            (message, _) => received.Writer.WriteAsync(message).AsTask());
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);

        // As an outbox stores it: built inside the request's trace, published later outside of it.
        OutgoingMessage stored;
        using (TestSource.StartActivity("state transition"))
        {
            stored = OutgoingMessage.Create(topic, "cr-relay", new Plan { Id = "plan-1", ParentRequestId = "cr-relay" });
        }
        Assert.Null(Activity.Current);
        await publisher.PublishAsync(stored, CancellationToken.None);

        var message = await received.Reader.ReadAsync();
        Assert.Equal(stored.MessageId, message.MessageId);
        Assert.Equal(ActivityContext.Parse(stored.TraceParent!, null).TraceId, ActivityContext.Parse(message.TraceParent!, null).TraceId);
        Assert.Equal(MessageTypes.ContentType<Plan>(), message.ContentType);
        Assert.Equal("plan-1", message.Parse<Plan>().Id);
    }

    [Fact]
    public async Task Transient_handler_failure_is_retried_and_succeeds_without_dead_lettering()
    {
        var topic = broker.CreateTopicWithDeadLetter("flaky");
        var attempts = 0;
        var processed = Channel.CreateUnbounded<string>();
        await using var loop = await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, maxRetries: 3),
            async (message, _) =>
            {
                if (message.Key == "flaky" && Interlocked.Increment(ref attempts) < 3)
                    throw new TimeoutException("downstream busy");
                await processed.Writer.WriteAsync(message.Key);
            });
        using var publisher = KafkaTestKit.Publisher(broker.BootstrapServers);

        await publisher.PublishAsync(topic, "flaky", new ChangeRequest { Id = "flaky" }, CancellationToken.None);
        await publisher.PublishAsync(topic, "after", new ChangeRequest { Id = "after" }, CancellationToken.None);

        Assert.Equal("flaky", await processed.Reader.ReadAsync());
        Assert.Equal("after", await processed.Reader.ReadAsync());
        Assert.Equal(3, attempts);
        Assert.Equal(0, KafkaTestKit.RecordCount(broker.BootstrapServers, Topics.DeadLetter(topic)));
    }

    private static ActivityListener ListenToKafkaAndTestActivities()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is KafkaTelemetry.Name or "Tests.Kafka",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
