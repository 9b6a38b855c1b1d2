namespace ServiceDefaults.Kafka;

/// <summary>A partition of a topic, so services need not reference Confluent.Kafka (it comes by HintPath and does not flow to them).</summary>
public readonly record struct KafkaTopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}[{Partition}]";
}
