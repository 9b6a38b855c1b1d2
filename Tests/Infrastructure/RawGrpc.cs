using Google.Protobuf;
using Grpc.Core;

namespace Tests.Infrastructure;

/// <summary>Calls any unary method by name, including ones a server does not have.</summary>
public static class RawGrpc
{
    public static Task<TResponse> CallAsync<TRequest, TResponse>(this CallInvoker invoker, string service, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var descriptor = new Method<TRequest, TResponse>(MethodType.Unary, service, method,
            Marshallers.Create(r => r.ToByteArray(), bytes => new MessageParser<TRequest>(() => new TRequest()).ParseFrom(bytes)),
            Marshallers.Create(r => r.ToByteArray(), bytes => new MessageParser<TResponse>(() => new TResponse()).ParseFrom(bytes)));
        return invoker.AsyncUnaryCall(descriptor, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), request).ResponseAsync;
    }

    /// <summary>A gRPC length-prefixed message: uncompressed flag, 4-byte big-endian length, payload.</summary>
    public static byte[] Frame(byte[] payload)
    {
        var framed = new byte[payload.Length + 5];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        return framed;
    }
}
