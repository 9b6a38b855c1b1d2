using System.Diagnostics;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Grpc;

/// <summary>Serves one unary gRPC call on an HTTP/2 request: framing, deadline, status trailers.</summary>
internal static partial class UnaryCallHandler
{
    public static async Task HandleAsync<TRequest, TResponse>(
        HttpContext http,
        string fullMethod,
        GrpcTransportOptions options,
        Func<TRequest, GrpcCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        if (!AcceptsCall(http)) return;

        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ServiceDefaults.Grpc");
        var timeProvider = http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;

        var timeoutHeader = http.Request.Headers[GrpcHeaders.Timeout].ToString();
        TimeSpan? timeout = null;
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var parsed))
            {
                await WriteStatusAsync(http, GrpcStatusCode.Internal, $"Malformed grpc-timeout header '{timeoutHeader}'.");
                return;
            }
            timeout = parsed;
        }

        using var deadlineCts = timeout is { } t ? new CancellationTokenSource(t, timeProvider) : new CancellationTokenSource();
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(deadlineCts.Token, http.RequestAborted);
        var context = new GrpcCallContext(http, timeout is { } d ? timeProvider.GetUtcNow() + d : null, callCts.Token);

        try
        {
            var encoding = http.Request.Headers[GrpcHeaders.Encoding].ToString();
            if (!GrpcFraming.IsSupportedEncoding(encoding))
            {
                http.Response.Headers[GrpcHeaders.AcceptEncoding] = GrpcHeaders.SupportedEncodings;
                throw new RpcException(GrpcStatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; supported: {GrpcHeaders.SupportedEncodings}.");
            }

            var bytes = await GrpcFraming.ReadSingleMessageAsync(http.Request.Body, options.MaxReceiveMessageSize, encoding, callCts.Token)
                ?? throw new RpcException(GrpcStatusCode.Internal, "The request carries no message; a unary call needs exactly one.");
            var request = ParseRequest<TRequest>(bytes);

            var response = await handler(request, context);
            deadlineCts.Token.ThrowIfCancellationRequested();

            var payload = response.ToByteArray();
            if (payload.Length > options.MaxSendMessageSize)
                throw new RpcException(GrpcStatusCode.ResourceExhausted, $"Response message larger than max ({payload.Length} vs. {options.MaxSendMessageSize} bytes).");

            http.Response.ContentType = GrpcHeaders.ContentType;
            http.Response.Headers[GrpcHeaders.AcceptEncoding] = GrpcHeaders.SupportedEncodings;
            await http.Response.Body.WriteAsync(GrpcFraming.Frame(payload), callCts.Token);
            http.Response.AppendTrailer(GrpcHeaders.Status, "0");
        }
        catch (RpcException e)
        {
            LogStatus(logger, fullMethod, e.Status, e.Detail);
            await WriteStatusAsync(http, e.Status, e.Detail);
        }
        catch (OperationCanceledException) when (deadlineCts.IsCancellationRequested)
        {
            LogStatus(logger, fullMethod, GrpcStatusCode.DeadlineExceeded, "Deadline exceeded");
            await WriteStatusAsync(http, GrpcStatusCode.DeadlineExceeded, $"Deadline exceeded ({timeoutHeader}).");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            LogCancelled(logger, fullMethod);
        }
        catch (Exception e)
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
            LogUnhandled(logger, e, fullMethod, traceId);
            await WriteStatusAsync(http, GrpcStatusCode.Internal, $"Internal error in {fullMethod}; see the service's logs for trace {traceId}.");
        }
    }

    /// <summary>Refuses what is not a gRPC call at the HTTP level, as the protocol prescribes.</summary>
    public static bool AcceptsCall(HttpContext http)
    {
        if (!GrpcHeaders.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return false;
        }
        if (!HttpProtocol.IsHttp2(http.Request.Protocol) && !HttpProtocol.IsHttp3(http.Request.Protocol))
        {
            // Trailers need HTTP/2; grpc-dotnet answers HTTP/1.x the same way.
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return false;
        }
        return true;
    }

    private static TRequest ParseRequest<TRequest>(byte[] bytes) where TRequest : IMessage<TRequest>, new()
    {
        try
        {
            return MessageParsers<TRequest>.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(GrpcStatusCode.InvalidArgument, $"The request is not a valid {new TRequest().Descriptor.FullName}: {e.Message}", e);
        }
    }

    /// <summary>Trailers-Only when nothing was sent yet, trailers after the body otherwise.</summary>
    public static Task WriteStatusAsync(HttpContext http, GrpcStatusCode status, string detail)
    {
        var message = GrpcStatusMessage.Encode(detail);
        if (!http.Response.HasStarted)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = GrpcHeaders.ContentType;
            http.Response.Headers[GrpcHeaders.Status] = ((int)status).ToString();
            http.Response.Headers[GrpcHeaders.Message] = message;
        }
        else
        {
            http.Response.AppendTrailer(GrpcHeaders.Status, ((int)status).ToString());
            http.Response.AppendTrailer(GrpcHeaders.Message, message);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "gRPC {Method} answered {Status}: {Detail}")]
    private static partial void LogStatus(ILogger logger, string method, GrpcStatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "gRPC {Method} cancelled by the client")]
    private static partial void LogCancelled(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "gRPC {Method} failed (trace {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string traceId);
}
