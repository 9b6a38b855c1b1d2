using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Contracts;

/// <summary>Message-type names carried in the <c>content-type</c> header of every Kafka message.</summary>
public static class MessageTypes
{
    public const string ContentTypeHeader = "content-type";
    private const string ProtobufContentType = "application/x-protobuf";
    private const string MessageTypeParameter = "messageType=";

    /// <summary><c>application/x-protobuf; messageType=core.Plan</c> for the message type <c>core.Plan</c>.</summary>
    public static string ContentType(string messageType) => $"{ProtobufContentType}; {MessageTypeParameter}{messageType}";

    public static string ContentType(MessageDescriptor descriptor) => ContentType(descriptor.FullName);

    public static string ContentType<T>() where T : IMessage<T>, new() => ContentType(new T().Descriptor);

    /// <summary>The <c>messageType</c> parameter of a content-type header, or null when absent.</summary>
    public static string? MessageTypeOf(string? contentType)
    {
        if (contentType is null) return null;
        foreach (var part in contentType.Split(';', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith(MessageTypeParameter, StringComparison.OrdinalIgnoreCase))
                return part[MessageTypeParameter.Length..];
        }
        return null;
    }
}
