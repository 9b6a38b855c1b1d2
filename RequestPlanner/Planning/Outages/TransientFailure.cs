using RequestPlanner.Planning.Llm;
using Grpc.Core;

namespace RequestPlanner.Planning.Outages;

/// <summary>
/// Failures of a dependency that waiting can cure: the LLM past its own retries, a gRPC status that says the
/// server is down, overloaded or slow (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL,
/// UNKNOWN), and network errors or timeouts below gRPC. Anything else (INVALID_ARGUMENT, NOT_FOUND, ...) is an
/// answer, not an outage.
/// </summary>
public static class TransientFailure
{
    private static readonly HashSet<StatusCode> TransientStatuses =
    [
        StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.ResourceExhausted,
        StatusCode.Aborted, StatusCode.Internal, StatusCode.Unknown,
    ];

    public static bool Is(Exception error, CancellationToken cancellationToken) => error switch
    {
        LlmUnavailableException => true,
        RpcException rpc => TransientStatuses.Contains(rpc.StatusCode),
        HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // a timeout, not a shutdown
        _ => false,
    };

    /// <summary>Runs a call to <paramref name="dependency"/>, turning its transient failures into <see cref="DependencyUnavailableException"/>.</summary>
    public static async Task<T> CallAsync<T>(string dependency, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (Is(e, cancellationToken))
        {
            throw new DependencyUnavailableException(dependency, e);
        }
    }
}
