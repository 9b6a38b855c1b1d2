using System.Diagnostics;
using Google.Protobuf;

namespace ServiceDefaults.Kafka;

/// <summary>
/// A message ready to publish, with the identity it keeps across retries and relays: an outbox stores
/// one of these and republishes it later with the same <see cref="MessageId"/> and <see cref="TraceParent"/>.
/// </summary>
/// <param name="Topic">Kafka topic.</param>
/// <param name="Key">The change request id (ordering per request).</param>
/// <param name="Value">Protobuf bytes.</param>
/// <param name="MessageType">Protobuf full name, e.g. <c>core.Plan</c>; becomes the <c>content-type</c> header.</param>
/// <param name="MessageId">Unique id for consumer-side dedupe.</param>
/// <param name="TraceParent">W3C traceparent of the work that produced the message, or null.</param>
public sealed record OutgoingMessage(string Topic, string Key, byte[] Value, string MessageType, string MessageId, string? TraceParent)
{
    /// <summary>Builds a message with a new id and the current activity's traceparent.</summary>
    public static OutgoingMessage Create<T>(string topic, string key, T message) where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        return new OutgoingMessage(topic, key, message.ToByteArray(), message.Descriptor.FullName,
            NewMessageId(), CurrentTraceParent());
    }

    public static string NewMessageId() => Guid.NewGuid().ToString();

    /// <summary>The current activity as a W3C traceparent, or null when there is none.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
