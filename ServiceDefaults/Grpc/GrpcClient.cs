using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace ServiceDefaults.Grpc;

/// <summary>
/// Unary gRPC calls over <see cref="HttpClient"/> HTTP/2 (h2c with prior knowledge for http:// addresses).
/// Every non-OK outcome surfaces as <see cref="RpcException"/>; cancellation by the caller as
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class GrpcClient(HttpClient http, GrpcTransportOptions? options = null)
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcHeaders.ContentType);
    private readonly GrpcTransportOptions _options = options ?? new GrpcTransportOptions();

    public Uri? Address => http.BaseAddress;

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        string service,
        string method,
        TRequest request,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        var payload = request.ToByteArray();
        if (payload.Length > _options.MaxSendMessageSize)
            throw new RpcException(GrpcStatusCode.ResourceExhausted, $"Request message larger than max ({payload.Length} vs. {_options.MaxSendMessageSize} bytes).");

        using var message = new HttpRequestMessage(HttpMethod.Post, $"/{service}/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrpcFraming.Frame(payload)),
        };
        message.Content.Headers.ContentType = GrpcContentType;
        message.Headers.TryAddWithoutValidation("te", "trailers");
        message.Headers.TryAddWithoutValidation(GrpcHeaders.AcceptEncoding, GrpcHeaders.SupportedEncodings);
        if (timeout is { } t) message.Headers.TryAddWithoutValidation(GrpcHeaders.Timeout, GrpcTimeout.Format(t));

        using var deadline = timeout is { } d ? new CancellationTokenSource(d) : new CancellationTokenSource();
        using var call = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, call.Token);
            return await ReadResponseAsync<TResponse>(response, call.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(GrpcStatusCode.DeadlineExceeded, $"Deadline of {timeout} exceeded calling /{service}/{method}.");
        }
        catch (HttpRequestException e)
        {
            throw new RpcException(GrpcStatusCode.Unavailable, $"Could not call /{service}/{method} at {http.BaseAddress}: {e.Message}", e);
        }
    }

    private async Task<TResponse> ReadResponseAsync<TResponse>(HttpResponseMessage response, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        if (response.StatusCode != HttpStatusCode.OK)
            throw new RpcException(StatusFromHttp(response.StatusCode), $"Bad gRPC response: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");

        // Trailers-Only: the status arrives with the headers and there is no body.
        if (TryReadStatus(response.Headers, out var earlyStatus, out var earlyMessage))
        {
            throw earlyStatus == GrpcStatusCode.OK
                ? new RpcException(GrpcStatusCode.Internal, "The server answered OK without a response message.")
                : new RpcException(earlyStatus, earlyMessage);
        }

        if (!GrpcHeaders.IsGrpcContentType(response.Content.Headers.ContentType?.MediaType))
            throw new RpcException(GrpcStatusCode.Unknown, $"Bad gRPC response: content type '{response.Content.Headers.ContentType}'.");

        var encoding = response.Headers.TryGetValues(GrpcHeaders.Encoding, out var values) ? values.FirstOrDefault() : null;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var bytes = await GrpcFraming.ReadSingleMessageAsync(body, _options.MaxReceiveMessageSize, encoding, cancellationToken);

        // Trailing headers are complete once the body has been read to its end.
        if (!TryReadStatus(response.TrailingHeaders, out var status, out var detail))
            throw new RpcException(GrpcStatusCode.Internal, "The response ended without a grpc-status trailer.");
        if (status != GrpcStatusCode.OK) throw new RpcException(status, detail);
        if (bytes is null) throw new RpcException(GrpcStatusCode.Internal, "The server answered OK without a response message.");

        try
        {
            return MessageParsers<TResponse>.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(GrpcStatusCode.Internal, $"The response is not a valid {new TResponse().Descriptor.FullName}: {e.Message}", e);
        }
    }

    private static bool TryReadStatus(HttpHeaders headers, out GrpcStatusCode status, out string detail)
    {
        status = GrpcStatusCode.Unknown;
        detail = "";
        if (!headers.TryGetValues(GrpcHeaders.Status, out var statusValues)) return false;
        var text = statusValues.FirstOrDefault();
        status = int.TryParse(text, out var code) && Enum.IsDefined(typeof(GrpcStatusCode), code)
            ? (GrpcStatusCode)code
            : GrpcStatusCode.Unknown;
        detail = headers.TryGetValues(GrpcHeaders.Message, out var messages)
            ? GrpcStatusMessage.Decode(messages.FirstOrDefault())
            : status == GrpcStatusCode.Unknown ? $"Unrecognised grpc-status '{text}'." : "";
        return true;
    }

    /// <summary>The HTTP-to-gRPC status mapping of grpc/grpc doc/http-grpc-status-mapping.md.</summary>
    private static GrpcStatusCode StatusFromHttp(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => GrpcStatusCode.Internal,
        HttpStatusCode.Unauthorized => GrpcStatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => GrpcStatusCode.PermissionDenied,
        HttpStatusCode.NotFound => GrpcStatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => GrpcStatusCode.Unavailable,
        _ => GrpcStatusCode.Unknown,
    };
}
