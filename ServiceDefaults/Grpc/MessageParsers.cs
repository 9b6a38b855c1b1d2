using Google.Protobuf;

namespace ServiceDefaults.Grpc;

/// <summary>One cached parser per generated message type.</summary>
internal static class MessageParsers<T> where T : IMessage<T>, new()
{
    public static MessageParser<T> Parser { get; } = new(() => new T());
}
