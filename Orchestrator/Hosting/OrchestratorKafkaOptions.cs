namespace Orchestrator.Hosting;

/// <summary>Bound from <c>Orchestrator:Kafka</c>.</summary>
public sealed class OrchestratorKafkaOptions
{
    public const string Section = "Orchestrator:Kafka";
    public const string ConnectionName = "kafka";
    public const string GroupId = "orchestrator";

    /// <summary>False runs an API-only instance: no consumer (another instance consumes).</summary>
    public bool ConsumerEnabled { get; set; } = true;

    /// <summary>
    /// Partitions are processed in parallel; at most this many already-fetched records of one partition are applied in
    /// one transaction (group commit). 1 applies every record in a transaction of its own.
    /// </summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Retries of a failing record before it is dead-lettered.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>librdkafka session.timeout.ms; null keeps librdkafka's default.</summary>
    public int? SessionTimeoutMs { get; set; }

    public int? HeartbeatIntervalMs { get; set; }

    /// <summary>
    /// librdkafka fetch.wait.max.ms: how long the broker may hold a fetch when there is nothing new. Each stage
    /// of a request is one hop through the broker, so librdkafka's 500 ms default would add up to 0.5 s per stage.
    /// </summary>
    public int FetchWaitMaxMs { get; set; } = 50;
}
