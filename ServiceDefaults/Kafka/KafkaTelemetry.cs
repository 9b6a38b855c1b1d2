using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ServiceDefaults.Kafka;

/// <summary>The Kafka helpers' own ActivitySource and Meter (both named <see cref="Name"/>).</summary>
public static class KafkaTelemetry
{
    public const string Name = "ServiceDefaults.Kafka";

    public static ActivitySource ActivitySource { get; } = new(Name);
    public static Meter Meter { get; } = new(Name);

    /// <summary>result: <c>ok</c> | <c>error</c>.</summary>
    public static Counter<long> Produced { get; } = Meter.CreateCounter<long>(
        "kafka.messages.produced", unit: "{message}", description: "Messages produced, by topic and result (ok, error).");

    /// <summary>result: <c>processed</c> | <c>dead_lettered</c>.</summary>
    public static Counter<long> Consumed { get; } = Meter.CreateCounter<long>(
        "kafka.messages.consumed", unit: "{message}", description: "Messages consumed, by source topic and result (processed, dead_lettered).");

    /// <summary>topic is the source topic; result: <c>poison</c> (not retried) | <c>retries_exhausted</c>.</summary>
    public static Counter<long> DeadLettered { get; } = Meter.CreateCounter<long>(
        "kafka.messages.dead_lettered", unit: "{message}", description: "Messages sent to <topic>.dlq, by source topic and result (poison, retries_exhausted).");

    /// <summary>Handler retries after a failure, by topic.</summary>
    public static Counter<long> Retries { get; } = Meter.CreateCounter<long>(
        "kafka.consumer.retries", unit: "{retry}", description: "Handler retries after a failed attempt, by topic.");

    internal static KeyValuePair<string, object?> Topic(string topic) => new("topic", topic);
    internal static KeyValuePair<string, object?> Result(string result) => new("result", result);

    /// <summary>A remote parent from a W3C traceparent header, or default when absent or malformed.</summary>
    internal static ActivityContext ParentFrom(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var context)
            ? context
            : default;
}
