using System.Threading.Channels;
using Contracts.Core;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class KafkaOffsetTests(DevKafkaFixture broker) : IClassFixture<DevKafkaFixture>
{
    [Fact]
    public async Task Restarted_consumer_resumes_after_the_last_processed_message_not_the_last_fetched()
    {
        var topic = broker.CreateTopicWithDeadLetter("resume");
        var group = $"resume-{Guid.NewGuid():N}";
        using (var publisher = KafkaTestKit.Publisher(broker.BootstrapServers))
        {
            for (var i = 0; i < 5; i++)
                await publisher.PublishAsync(topic, $"m{i}", new ChangeRequest { Id = $"m{i}" }, CancellationToken.None);
        }

        // First instance: finishes m0 and m1, then is stopped while m2 is in its handler.
        var firstSeen = new List<string>();
        var stuck = new TaskCompletionSource();
        await using (await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, group),
            async (message, cancellationToken) =>
            {
                lock (firstSeen) firstSeen.Add(message.Key);
                if (message.Key != "m2") return;
                stuck.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }))
        {
            await stuck.Task.WaitAsync(KafkaTestKit.Timeout);
        }
        Assert.Equal(["m0", "m1", "m2"], firstSeen);

        // Second instance, same group: m2 was fetched but never finished, so it comes again; m0 and m1 do not.
        var secondSeen = Channel.CreateUnbounded<string>();
        await using (await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, group),
            (message, _) => secondSeen.Writer.WriteAsync(message.Key).AsTask()))
        {
            Assert.Equal("m2", await secondSeen.Reader.ReadAsync());
            Assert.Equal("m3", await secondSeen.Reader.ReadAsync());
            Assert.Equal("m4", await secondSeen.Reader.ReadAsync());
        }
    }

    [Fact]
    public async Task Dead_lettered_message_counts_as_done_for_the_group()
    {
        var topic = broker.CreateTopicWithDeadLetter("dead-done");
        var group = $"dead-done-{Guid.NewGuid():N}";
        using (var publisher = KafkaTestKit.Publisher(broker.BootstrapServers))
        {
            await publisher.PublishAsync(topic, "bad", new Plan { Id = "not a change request" }, CancellationToken.None);
            await publisher.PublishAsync(topic, "good", new ChangeRequest { Id = "good" }, CancellationToken.None);
        }

        var first = Channel.CreateUnbounded<string>();
        await using (await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, group),
            async (message, _) =>
            {
                await first.Writer.WriteAsync(message.Key);
                message.Parse<ChangeRequest>(); // "bad" is a core.Plan: poison
            }))
        {
            Assert.Equal("bad", await first.Reader.ReadAsync());
            Assert.Equal("good", await first.Reader.ReadAsync());
        }

        using (var publisher = KafkaTestKit.Publisher(broker.BootstrapServers))
            await publisher.PublishAsync(topic, "later", new ChangeRequest { Id = "later" }, CancellationToken.None);

        var second = Channel.CreateUnbounded<string>();
        await using (await KafkaTestKit.StartLoopAsync(broker.BootstrapServers, KafkaTestKit.Options(topic, group),
            (message, _) => second.Writer.WriteAsync(message.Key).AsTask()))
        {
            Assert.Equal("later", await second.Reader.ReadAsync());
        }
        Assert.Equal(1, KafkaTestKit.RecordCount(broker.BootstrapServers, Contracts.Topics.DeadLetter(topic)));
    }
}
