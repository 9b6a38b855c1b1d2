using AppHost.Infrastructure;

namespace Tests.Kafka;

/// <summary>One in-memory broker per test class (classes run in parallel; each test uses its own topics and groups).</summary>
public sealed class DevKafkaFixture : IDisposable
{
    public DevKafka Kafka { get; } = DevKafka.Start();

    public string BootstrapServers => Kafka.BootstrapServers;

    /// <summary>Creates <c>name</c> and <c>name.dlq</c> with a unique suffix.</summary>
    public string CreateTopicWithDeadLetter(string prefix, int partitions = 1)
    {
        var topic = $"{prefix}.{Guid.NewGuid():N}";
        Kafka.CreateTopic(topic, partitions);
        Kafka.CreateTopic(Contracts.Topics.DeadLetter(topic), partitions);
        return topic;
    }

    public void Dispose() => Kafka.Dispose();
}
