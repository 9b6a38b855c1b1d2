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

    [Theory]
    [InlineData("description")]
    [InlineData("step symbol")]
    public void Parse_of_a_string_with_a_nul_character_is_a_poison_message_naming_the_field(string where)
    {
        IMessage value = where == "description"
            ? new ChangeRequest { Id = "cr-9", Description = "drop\0table" }
            : new Plan { Id = "p", Steps = { new Step { Path = "a.cs" }, new Step { Path = "b.cs", Symbols = { "Ok", "Bad\0" } } } };
        var message = Record(value.ToByteArray(), "application/x-protobuf");

        var error = Assert.Throws<PoisonMessageException>(() =>
            where == "description" ? (IMessage)message.Parse<ChangeRequest>() : message.Parse<Plan>());

        Assert.Contains(where == "description" ? "field description contains a NUL" : "field steps[1].symbols[1] contains a NUL", error.Message);
        Assert.True(PermanentFailure.Is(error));
    }

    [Fact]
    public void Postgres_data_exceptions_are_permanent_anywhere_in_the_chain_and_other_failures_are_transient()
    {
        var nul = new Npgsql.PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021");
        var deadlock = new Npgsql.PostgresException("deadlock detected", "ERROR", "ERROR", "40P01");

        Assert.True(PermanentFailure.Is(nul));
        Assert.True(PermanentFailure.Is(new InvalidOperationException("applying plan failed", nul)));
        Assert.True(PermanentFailure.Is(new AggregateException(new TimeoutException(), nul)));
        Assert.False(PermanentFailure.Is(deadlock));
        Assert.False(PermanentFailure.Is(new TimeoutException("Srm did not answer")));
    }

    private static ConsumedMessage Record(byte[] value, string contentType) => new(
        Topics.PlanOut, 2, 41, "cr-9", value,
        [
            new(KafkaHeaderNames.MessageId, "msg-1"u8.ToArray()),
            new(KafkaHeaderNames.ContentType, Encoding.UTF8.GetBytes(contentType)),
        ],
        DateTimeOffset.UnixEpoch);
}
