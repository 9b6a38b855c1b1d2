using System.Text;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class ConsumedMessageTests
{
    [Fact]
    public void Parse_returns_the_message_named_by_its_content_type()
    {
        var request = new ChangeRequest { Id = "cr-9", Description = "rename Foo" };
        var message = Record(request.ToByteArray(), MessageTypes.ContentType<ChangeRequest>());

        Assert.Equal(request, message.Parse<ChangeRequest>());
    }

    [Fact]
    public void Parse_of_another_message_type_is_a_poison_message_naming_both_types()
    {
        var message = Record(new Plan { Id = "p" }.ToByteArray(), MessageTypes.ContentType<Plan>());

        var error = Assert.Throws<PoisonMessageException>(() => message.Parse<ChangeRequest>());
        Assert.Contains("core.Plan", error.Message);
        Assert.Contains("core.ChangeRequest", error.Message);
        Assert.Contains("msg-1", error.Message);
    }

    [Fact]
    public void Parse_of_malformed_bytes_is_a_poison_message_with_the_position()
    {
        var message = Record([0x0A, 0x10, 0x41], MessageTypes.ContentType<ChangeRequest>());

        var error = Assert.Throws<PoisonMessageException>(() => message.Parse<ChangeRequest>());
        Assert.IsType<InvalidProtocolBufferException>(error.InnerException);
        Assert.Contains("plan.out[2]@41", error.Message);
    }

    private static ConsumedMessage Record(byte[] value, string contentType) => new(
        Topics.PlanOut, 2, 41, "cr-9", value,
        [
            new(KafkaHeaderNames.MessageId, "msg-1"u8.ToArray()),
            new(KafkaHeaderNames.ContentType, Encoding.UTF8.GetBytes(contentType)),
        ],
        DateTimeOffset.UnixEpoch);
}
