namespace ServiceDefaults.Grpc;

/// <summary>Limits of the unary gRPC transport; bound from configuration section <c>Grpc</c>.</summary>
public sealed class GrpcTransportOptions
{
    /// <summary>gRPC's customary default: 4 MiB.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    public int MaxReceiveMessageSize { get; set; } = DefaultMaxMessageSize;

    public int MaxSendMessageSize { get; set; } = DefaultMaxMessageSize;
}
