using System.Text;
using Contracts;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ServiceDefaults.Kafka;

/// <summary>A Kafka record handed to a consumer handler, independent of Confluent's types.</summary>
public sealed record ConsumedMessage(
    string Topic,
    int Partition,
    long Offset,
    string Key,
    byte[] Value,
    IReadOnlyList<KeyValuePair<string, byte[]>> Headers,
    DateTimeOffset Timestamp)
{
    public string? MessageId => Header(KafkaHeaderNames.MessageId);
    public string? ContentType => Header(KafkaHeaderNames.ContentType);
    public string? TraceParent => Header(KafkaHeaderNames.TraceParent);

    /// <summary>The protobuf full name from the content-type header (e.g. <c>core.Plan</c>), or null.</summary>
    public string? MessageType => MessageTypes.MessageTypeOf(ContentType);

    /// <summary>The last header with this name as UTF-8 text, or null.</summary>
    public string? Header(string name)
    {
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (Headers[i].Key == name) return Headers[i].Value is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
        }
        return null;
    }

    /// <summary>Where the record came from, for logs and errors.</summary>
    public string Position => $"{Topic}[{Partition}]@{Offset}";

    /// <inheritdoc cref="Parse(MessageDescriptor)"/>
    public T Parse<T>() where T : IMessage<T>, new() => (T)Parse(new T().Descriptor);

    /// <summary>
    /// Parses the value as the message type <paramref name="expected"/>. A message whose content-type names another type,
    /// whose bytes are not valid protobuf, or with a NUL character in a string, throws <see cref="PoisonMessageException"/>
    /// (dead-lettered without retries), whichever consumer group reads it.
    /// A message without a content-type header is parsed as <paramref name="expected"/>.
    /// </summary>
    public IMessage Parse(MessageDescriptor expected)
    {
        var actual = MessageType;
        if (actual is not null && actual != expected.FullName)
        {
            throw new PoisonMessageException(
                $"Message {Position} (message-id {MessageId ?? "none"}) is a {actual}, but {expected.FullName} was expected on this topic. " +
                "Fix the producer or route the message type to its own topic.");
        }

        IMessage parsed;
        try
        {
            parsed = expected.Parser.ParseFrom(Value);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new PoisonMessageException(
                $"Message {Position} (message-id {MessageId ?? "none"}) is not a valid {expected.FullName}: {ex.Message}", ex);
        }
        if (NulCharacters.FindIn(parsed) is { } field)
        {
            throw new PoisonMessageException(
                $"Message {Position} (message-id {MessageId ?? "none"}) is not a valid {expected.FullName}: field {field} contains a NUL character.");
        }
        return parsed;
    }
}
