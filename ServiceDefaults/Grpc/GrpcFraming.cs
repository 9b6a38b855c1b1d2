using System.Buffers.Binary;
using System.IO.Compression;

namespace ServiceDefaults.Grpc;

/// <summary>gRPC's length-prefixed messages: a compressed flag byte, a 4-byte big-endian length, the bytes.</summary>
public static class GrpcFraming
{
    public const int HeaderSize = 5;

    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[HeaderSize + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed.AsSpan(HeaderSize));
        return framed;
    }

    public static bool IsSupportedEncoding(string? encoding) =>
        string.IsNullOrEmpty(encoding) || encoding is "identity" or "gzip";

    /// <summary>
    /// Reads the one message of a unary call's stream, or null when the stream holds none.
    /// Framing faults are <see cref="GrpcStatusCode.Internal"/>, oversized messages
    /// <see cref="GrpcStatusCode.ResourceExhausted"/>, unknown compression <see cref="GrpcStatusCode.Unimplemented"/>.
    /// </summary>
    public static async Task<byte[]?> ReadSingleMessageAsync(Stream stream, int maxMessageSize, string? encoding, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        var read = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken);
        if (read == 0) return null;
        if (read < HeaderSize)
            throw new RpcException(GrpcStatusCode.Internal, "Incomplete message header: the stream ended inside the 5-byte length prefix.");

        var compressed = header[0];
        if (compressed > 1)
            throw new RpcException(GrpcStatusCode.Internal, $"Invalid compressed flag {compressed} in the message header (expected 0 or 1).");
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > maxMessageSize)
            throw new RpcException(GrpcStatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize} bytes).");

        var payload = new byte[length];
        if (await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancellationToken) < payload.Length)
            throw new RpcException(GrpcStatusCode.Internal, $"Incomplete message: the stream ended before the {length} bytes its header announced.");

        if (await stream.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false, cancellationToken) > 0)
            throw new RpcException(GrpcStatusCode.Internal, "Additional data after the message: a unary call carries exactly one message.");

        return compressed == 1 ? Decompress(payload, maxMessageSize, encoding) : payload;
    }

    private static byte[] Decompress(byte[] payload, int maxMessageSize, string? encoding)
    {
        if (string.IsNullOrEmpty(encoding) || encoding == "identity")
            throw new RpcException(GrpcStatusCode.Internal, "The message is flagged compressed but no grpc-encoding was given.");
        if (encoding != "gzip")
            throw new RpcException(GrpcStatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; supported: {GrpcHeaders.SupportedEncodings}.");

        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = gzip.Read(buffer)) > 0)
            {
                // Checked while inflating so a small bomb cannot allocate past the limit.
                if (output.Length + n > maxMessageSize)
                    throw new RpcException(GrpcStatusCode.ResourceExhausted, $"Decompressed message larger than max ({maxMessageSize} bytes).");
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(GrpcStatusCode.Internal, "The message is not valid gzip data.", e);
        }
    }
}
