namespace Orchestrator.Workflow;

/// <summary>Where an input to the workflow came from: a Kafka record, the HTTP front door or the scheduler.</summary>
public sealed record MessageSource(string Topic, int? Partition, long? Offset, string MessageId)
{
    public const string HttpTopic = "http";
    public const string SchedulerTopic = "scheduler";

    public static MessageSource Http(string messageId) => new(HttpTopic, null, null, messageId);

    public static MessageSource Scheduler(string messageId) => new(SchedulerTopic, null, null, messageId);

    public override string ToString() => Partition is null ? Topic : $"{Topic}[{Partition}]@{Offset}";
}
