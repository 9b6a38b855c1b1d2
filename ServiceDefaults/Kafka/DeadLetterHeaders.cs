using System.Globalization;
using System.Text;

namespace ServiceDefaults.Kafka;

/// <summary>The headers of a record written to <c>&lt;topic&gt;.dlq</c>.</summary>
public static class DeadLetterHeaders
{
    private const int MaxErrorLength = 4000;

    /// <summary>
    /// The original headers (message-id, content-type, traceparent...) without any earlier <c>dlq-*</c> ones,
    /// plus <c>dlq-error</c>, <c>dlq-error-type</c>, <c>dlq-source-topic</c>, <c>dlq-source-partition</c>, <c>dlq-source-offset</c>
    /// and <c>dlq-consumer-group</c> (several groups may dead-letter the same message into the same <c>.dlq</c>).
    /// </summary>
    public static List<KeyValuePair<string, byte[]>> For(ConsumedMessage message, Exception error, string consumerGroup)
    {
        var errorText = error.Message.Length > MaxErrorLength ? error.Message[..MaxErrorLength] : error.Message;
        var headers = message.Headers
            .Where(h => !h.Key.StartsWith(KafkaHeaderNames.DeadLetterPrefix, StringComparison.Ordinal))
            .ToList();
        headers.Add(Utf8(KafkaHeaderNames.DeadLetterError, errorText));
        headers.Add(Utf8(KafkaHeaderNames.DeadLetterErrorType, error.GetType().FullName ?? error.GetType().Name));
        headers.Add(Utf8(KafkaHeaderNames.DeadLetterSourceTopic, message.Topic));
        headers.Add(Utf8(KafkaHeaderNames.DeadLetterSourcePartition, message.Partition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(Utf8(KafkaHeaderNames.DeadLetterSourceOffset, message.Offset.ToString(CultureInfo.InvariantCulture)));
        headers.Add(Utf8(KafkaHeaderNames.DeadLetterConsumerGroup, consumerGroup));
        return headers;
    }

    private static KeyValuePair<string, byte[]> Utf8(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));
}
