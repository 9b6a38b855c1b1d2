using ServiceDefaults.Kafka;

namespace KafkaPeer;

/// <summary>The peer's stdout protocol, one line per event, read by Tests.Kafka.TwoProcessConsumerGroupTests.</summary>
public static class PeerReport
{
    private static readonly Lock Gate = new();

    public static void Assigned(IReadOnlyList<KafkaTopicPartition> partitions) => Write("assigned", Partitions(partitions));

    public static void Revoked(IReadOnlyList<KafkaTopicPartition> partitions) => Write("revoked", Partitions(partitions));

    public static void Processed(ConsumedMessage message) =>
        Write("processed", $"{message.Partition} {message.Offset} {message.Key} {message.MessageId}");

    private static string Partitions(IReadOnlyList<KafkaTopicPartition> partitions) =>
        string.Join(",", partitions.Select(p => p.Partition));

    private static void Write(string kind, string detail)
    {
        lock (Gate)
        {
            Console.Out.WriteLine($"{kind} {detail}");
            Console.Out.Flush();
        }
    }
}
