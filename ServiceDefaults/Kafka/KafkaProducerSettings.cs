using Confluent.Kafka;

namespace ServiceDefaults.Kafka;

/// <summary>
/// How <see cref="KafkaClientExtensions.AddKafkaProducer{TKey, TValue}"/> builds its producer, as
/// Aspire.Confluent.Kafka's settings of the same name: bound from <c>Aspire:Confluent:Kafka:Producer</c>
/// (librdkafka properties under its <c>Config</c> subsection), the connection string from <c>ConnectionStrings:&lt;name&gt;</c>.
/// </summary>
public sealed class KafkaProducerSettings
{
    public const string ConfigurationSection = "Aspire:Confluent:Kafka:Producer";

    /// <summary>Bootstrap servers, <c>host:port[,host:port]</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>librdkafka properties; <c>bootstrap.servers</c> comes from <see cref="ConnectionString"/>.</summary>
    public ProducerConfig Config { get; } = new();

    /// <summary>Leaves out the "ready" check that the broker answers.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Leaves out librdkafka's statistics as metrics (<see cref="KafkaStatisticsMetrics"/>).</summary>
    public bool DisableMetrics { get; set; }
}
