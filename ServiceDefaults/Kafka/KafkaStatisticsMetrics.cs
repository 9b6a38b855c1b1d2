using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace ServiceDefaults.Kafka;

/// <summary>
/// librdkafka's statistics (the JSON its clients emit every <c>statistics.interval.ms</c>) as metrics of the
/// <see cref="KafkaTelemetry.Meter"/>, per client: queued messages, requests and bytes sent and received,
/// messages produced and consumed. Aspire.Confluent.Kafka does the same.
/// </summary>
public static class KafkaStatisticsMetrics
{
    /// <summary>How often clients report statistics when the caller did not choose.</summary>
    public const int DefaultIntervalMs = 1000;

    private static readonly ConcurrentDictionary<string, Snapshot> Latest = new();

    static KafkaStatisticsMetrics()
    {
        var meter = KafkaTelemetry.Meter;
        meter.CreateObservableGauge("messaging.kafka.client.queue.message_count", () => Observe(s => s.QueuedMessages),
            unit: "{message}", description: "Messages waiting in the client: to be sent (producer) or handed to the application (consumer).");
        meter.CreateObservableCounter("messaging.kafka.network.tx", () => Observe(s => s.RequestsSent),
            unit: "{request}", description: "Requests sent to brokers.");
        meter.CreateObservableCounter("messaging.kafka.network.transmitted", () => Observe(s => s.BytesSent),
            unit: "By", description: "Bytes sent to brokers.");
        meter.CreateObservableCounter("messaging.kafka.network.rx", () => Observe(s => s.ResponsesReceived),
            unit: "{response}", description: "Responses received from brokers.");
        meter.CreateObservableCounter("messaging.kafka.network.received", () => Observe(s => s.BytesReceived),
            unit: "By", description: "Bytes received from brokers.");
        meter.CreateObservableCounter("messaging.kafka.message.tx", () => Observe(s => s.MessagesSent),
            unit: "{message}", description: "Messages sent to brokers (producer).");
        meter.CreateObservableCounter("messaging.kafka.message.rx", () => Observe(s => s.MessagesReceived),
            unit: "{message}", description: "Messages received from brokers (consumer).");
    }

    /// <summary>Records one statistics document; a client's counters are cumulative, so the latest one wins.</summary>
    public static void Record(string statisticsJson)
    {
        using var document = JsonDocument.Parse(statisticsJson);
        var root = document.RootElement;
        var type = Text(root, "type");
        var snapshot = new Snapshot(
            Text(root, "name"),
            type,
            QueuedMessages: Number(root, type == "consumer" ? "replyq" : "msg_cnt"),
            RequestsSent: Number(root, "tx"),
            BytesSent: Number(root, "tx_bytes"),
            ResponsesReceived: Number(root, "rx"),
            BytesReceived: Number(root, "rx_bytes"),
            MessagesSent: Number(root, "txmsgs"),
            MessagesReceived: Number(root, "rxmsgs"));
        Latest[snapshot.Client] = snapshot;
    }

    /// <summary>Forgets a disposed client, so its series stop.</summary>
    public static void Forget(string clientName) => Latest.TryRemove(clientName, out _);

    private static IEnumerable<Measurement<long>> Observe(Func<Snapshot, long> value) =>
        Latest.Values.Select(s => new Measurement<long>(value(s),
            new KeyValuePair<string, object?>("messaging.client.id", s.Client),
            new KeyValuePair<string, object?>("messaging.kafka.client.type", s.Type)));

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static long Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;

    private sealed record Snapshot(string Client, string Type, long QueuedMessages, long RequestsSent, long BytesSent,
        long ResponsesReceived, long BytesReceived, long MessagesSent, long MessagesReceived);
}
