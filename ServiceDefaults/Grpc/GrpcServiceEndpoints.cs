using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ServiceDefaults.Grpc;

/// <summary>Maps the unary methods of one gRPC service (<c>package.Service</c>) to HTTP/2 endpoints.</summary>
public sealed class GrpcServiceEndpoints
{
    private readonly IEndpointRouteBuilder _endpoints;
    private readonly GrpcTransportOptions _options;

    internal GrpcServiceEndpoints(IEndpointRouteBuilder endpoints, string serviceName, GrpcTransportOptions options)
    {
        _endpoints = endpoints;
        _options = options;
        ServiceName = serviceName;
    }

    public string ServiceName { get; }

    /// <summary>Serves <c>POST /{ServiceName}/{method}</c> with <paramref name="handler"/>.</summary>
    public GrpcServiceEndpoints MapUnary<TRequest, TResponse>(string method, Func<TRequest, GrpcCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var fullMethod = $"/{ServiceName}/{method}";
        var options = _options;
        _endpoints.MapPost(fullMethod, http => UnaryCallHandler.HandleAsync(http, fullMethod, options, handler))
            .WithDisplayName($"gRPC {fullMethod}");
        return this;
    }
}
