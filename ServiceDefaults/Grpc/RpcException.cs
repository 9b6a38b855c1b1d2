namespace ServiceDefaults.Grpc;

/// <summary>
/// A gRPC status other than OK: thrown by a server handler to answer with that status, and by
/// <see cref="GrpcClient"/> when a call ends with it.
/// </summary>
public sealed class RpcException(GrpcStatusCode status, string detail, Exception? inner = null)
    : Exception($"gRPC status {status}: {detail}", inner)
{
    public GrpcStatusCode Status { get; } = status;

    public string Detail { get; } = detail;
}
