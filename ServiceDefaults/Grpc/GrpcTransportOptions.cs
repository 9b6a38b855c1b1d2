using Microsoft.Extensions.Configuration;

namespace ServiceDefaults.Grpc;

/// <summary>Limits of the unary gRPC transport; bound from configuration section <c>Grpc</c>.</summary>
public sealed class GrpcTransportOptions
{
    /// <summary>gRPC's customary default: 4 MiB.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    public int MaxReceiveMessageSize { get; set; } = DefaultMaxMessageSize;

    public int MaxSendMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>The <c>Grpc</c> section of <paramref name="configuration"/>, or the defaults without one.</summary>
    public static GrpcTransportOptions From(IConfiguration? configuration) =>
        configuration?.GetSection("Grpc").Get<GrpcTransportOptions>() ?? new GrpcTransportOptions();
}
