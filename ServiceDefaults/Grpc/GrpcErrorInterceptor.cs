using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Grpc;

/// <summary>
/// Turns what a service method throws into a status: <see cref="RpcException"/> as it is, a mapped exception
/// (<see cref="GrpcErrorOptions"/>) into its code with its message, anything else into INTERNAL naming the trace to
/// look up in the logs (the exception's text may hold what callers must not see). Cancellation by the caller or
/// the deadline is left to Grpc.AspNetCore.
/// </summary>
public sealed partial class GrpcErrorInterceptor(IOptions<GrpcErrorOptions> options, ILogger<GrpcErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException && !(e is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            if (options.Value.TryGetCode(e, out var code))
            {
                LogMapped(logger, context.Method, code, e.Message);
                throw new RpcException(new Status(code, e.Message, e));
            }

            var traceId = Activity.Current?.TraceId.ToString() ?? context.GetHttpContext().TraceIdentifier;
            LogUnhandled(logger, e, context.Method, traceId);
            throw new RpcException(new Status(StatusCode.Internal, $"Internal error in {context.Method}; see the service's logs for trace {traceId}."));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "gRPC {Method} answered {Status}: {Detail}")]
    private static partial void LogMapped(ILogger logger, string method, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "gRPC {Method} failed (trace {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string traceId);
}
