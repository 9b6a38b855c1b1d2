namespace ServiceDefaults.Grpc;

/// <summary>The message limits servers and clients share.</summary>
public static class GrpcLimits
{
    /// <summary>gRPC's customary default: 4 MiB, enforced on both sides (RESOURCE_EXHAUSTED beyond).</summary>
    public const int MaxMessageSize = 4 * 1024 * 1024;
}
