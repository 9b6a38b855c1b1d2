using System.Text;
using Contracts;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class DeadLetterHeadersTests
{
    [Fact]
    public void Dead_letter_headers_keep_the_originals_and_replace_earlier_dead_letter_headers()
    {
        var original = new ConsumedMessage(Topics.PlanOut, 2, 41, "cr-9", [1, 2, 3],
            [
                new(KafkaHeaderNames.MessageId, "msg-1"u8.ToArray()),
                new(KafkaHeaderNames.DeadLetterError, "an older failure"u8.ToArray()),
            ],
            DateTimeOffset.UnixEpoch);

        var headers = DeadLetterHeaders.For(original, new TimeoutException("too slow"), "orchestrator");

        string Value(string name) => Encoding.UTF8.GetString(Assert.Single(headers, h => h.Key == name).Value);
        Assert.Equal("msg-1", Value(KafkaHeaderNames.MessageId));
        Assert.Equal("too slow", Value(KafkaHeaderNames.DeadLetterError));
        Assert.Equal("System.TimeoutException", Value(KafkaHeaderNames.DeadLetterErrorType));
        Assert.Equal("plan.out", Value(KafkaHeaderNames.DeadLetterSourceTopic));
        Assert.Equal("2", Value(KafkaHeaderNames.DeadLetterSourcePartition));
        Assert.Equal("41", Value(KafkaHeaderNames.DeadLetterSourceOffset));
        Assert.Equal("orchestrator", Value(KafkaHeaderNames.DeadLetterConsumerGroup));
    }
}
