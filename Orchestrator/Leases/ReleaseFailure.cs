using Grpc.Core;

namespace Orchestrator.Leases;

/// <summary>
/// Which failed releases are worth retrying. Srm answering with a status that another try cannot change
/// (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ...) is permanent; Srm unreachable, overloaded or
/// slow (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN) and any
/// error below gRPC (network, timeout) is transient.
/// </summary>
public static class ReleaseFailure
{
    private static readonly HashSet<StatusCode> Transient =
    [
        StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.ResourceExhausted,
        StatusCode.Aborted, StatusCode.Internal, StatusCode.Unknown, StatusCode.Cancelled,
    ];

    public static bool IsPermanent(Exception error) => error is RpcException rpc && !Transient.Contains(rpc.StatusCode);
}
