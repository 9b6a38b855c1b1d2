using AppHost.Infrastructure;
using Confluent.Kafka;
using Contracts;

namespace Tests.Kafka;

public sealed class DevKafkaTests
{
    [Fact]
    public async Task Pipeline_topics_and_their_dead_letter_topics_exist_with_the_requested_partitions()
    {
        await using var kafka = DevKafka.Start(brokers: 3);
        kafka.CreatePipelineTopics(partitions: 3);
        kafka.CreateTopic(Topics.PlanOut, 3); // creating again is a no-op

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        Assert.Equal(3, metadata.Brokers.Count);
        Assert.Equal(3, kafka.BootstrapServers.Split(',').Length);
        foreach (var topic in Topics.All.Concat(Topics.All.Select(Topics.DeadLetter)))
        {
            var described = Assert.Single(metadata.Topics, t => t.Topic == topic);
            Assert.Equal(3, described.Partitions.Count);
        }
    }

    [Fact]
    public void Stopped_broker_refuses_connections_and_rejects_new_topics()
    {
        var kafka = DevKafka.Start();
        var bootstrap = kafka.BootstrapServers;
        kafka.Dispose();
        kafka.Dispose(); // idempotent

        Assert.Throws<ObjectDisposedException>(() => kafka.CreateTopic("after-stop"));
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        Assert.Throws<KafkaException>(() => admin.GetMetadata(TimeSpan.FromSeconds(1)));
    }
}
