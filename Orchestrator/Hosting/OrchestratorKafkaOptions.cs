namespace Orchestrator.Hosting;

/// <summary>Bound from <c>Orchestrator:Kafka</c>.</summary>
public sealed class OrchestratorKafkaOptions
{
    public const string Section = "Orchestrator:Kafka";
    public const string ConnectionName = "kafka";
    public const string GroupId = "orchestrator";

    /// <summary>False runs an API-only instance: no consumer (another instance consumes).</summary>
    public bool ConsumerEnabled { get; set; } = true;

    /// <summary>Retries of a failing record before it is dead-lettered.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>librdkafka session.timeout.ms; null keeps librdkafka's default.</summary>
    public int? SessionTimeoutMs { get; set; }

    public int? HeartbeatIntervalMs { get; set; }
}
