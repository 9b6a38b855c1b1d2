namespace ServiceDefaults.Kafka;

/// <summary>What a <see cref="KafkaConsumerLoop"/> consumes and how it treats failures.</summary>
public sealed class KafkaConsumerOptions
{
    /// <summary>Consumer group; instances with the same group share the topics' partitions.</summary>
    public string GroupId { get; set; } = "";

    public IList<string> Topics { get; set; } = [];

    /// <summary>Retries after the first failed attempt before the message is dead-lettered (0 = none).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles per retry (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// One worker per assigned partition, so partitions are handled concurrently (each in offset order). The handler
    /// must then be safe to call concurrently for different partitions.
    /// </summary>
    public bool ProcessPartitionsInParallel { get; set; }

    /// <summary>With <see cref="ProcessPartitionsInParallel"/>: at most this many already-fetched records of a partition go to the handler at once.</summary>
    public int MaxBatchSize { get; set; } = 1;

    /// <summary>Where a new group starts: at the earliest record (default, so nothing published before the first start is skipped) or only new ones.</summary>
    public bool StartFromEarliest { get; set; } = true;

    /// <summary>librdkafka session.timeout.ms (null: librdkafka's default, 45 s). Tests use a few seconds.</summary>
    public int? SessionTimeoutMs { get; set; }

    /// <summary>librdkafka heartbeat.interval.ms (null: librdkafka's default, 3 s).</summary>
    public int? HeartbeatIntervalMs { get; set; }

    /// <summary>Extra librdkafka consumer properties (e.g. <c>max.poll.interval.ms</c>); offset storing stays manual.</summary>
    public IDictionary<string, string> ConsumerProperties { get; set; } = new Dictionary<string, string>();

    /// <summary>Leaves out the "ready" check that the broker answers (registered once per connection name).</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Leaves out librdkafka's statistics as metrics (<see cref="KafkaStatisticsMetrics"/>).</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>Called on the consume thread after partitions were assigned to this instance.</summary>
    public Action<IReadOnlyList<KafkaTopicPartition>>? PartitionsAssigned { get; set; }

    /// <summary>Called on the consume thread before partitions are taken away (revoked or lost).</summary>
    public Action<IReadOnlyList<KafkaTopicPartition>>? PartitionsRevoked { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(GroupId))
            throw new InvalidOperationException("KafkaConsumerOptions.GroupId is required (e.g. \"request-planner\").");
        if (Topics.Count == 0)
            throw new InvalidOperationException($"KafkaConsumerOptions.Topics is empty for group {GroupId}: name at least one topic.");
        if (MaxBatchSize < 1)
            throw new InvalidOperationException($"KafkaConsumerOptions.MaxBatchSize must be 1 or more (group {GroupId}).");
        if (MaxRetries < 0)
            throw new InvalidOperationException($"KafkaConsumerOptions.MaxRetries must be 0 or more (group {GroupId}).");
    }
}
