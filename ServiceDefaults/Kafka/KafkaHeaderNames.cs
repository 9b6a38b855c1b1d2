using Contracts;

namespace ServiceDefaults.Kafka;

/// <summary>Header names every pipeline message carries (DESIGN.md section 4) and the dead-letter headers.</summary>
public static class KafkaHeaderNames
{
    public const string TraceParent = "traceparent";
    public const string MessageId = "message-id";
    public const string ContentType = MessageTypes.ContentTypeHeader;

    public const string DeadLetterPrefix = "dlq-";
    public const string DeadLetterError = "dlq-error";
    public const string DeadLetterErrorType = "dlq-error-type";
    public const string DeadLetterSourceTopic = "dlq-source-topic";
    public const string DeadLetterSourcePartition = "dlq-source-partition";
    public const string DeadLetterSourceOffset = "dlq-source-offset";
    public const string DeadLetterConsumerGroup = "dlq-consumer-group";
}
