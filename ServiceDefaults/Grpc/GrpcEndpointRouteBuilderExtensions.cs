using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ServiceDefaults.Grpc;

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Starts mapping the unary methods of <paramref name="serviceName"/> (e.g. <c>srm.v1.Srm</c>).</summary>
    public static GrpcServiceEndpoints MapGrpcService(this IEndpointRouteBuilder endpoints, string serviceName)
    {
        var registry = GrpcServiceRegistry.For(endpoints, out var created);
        if (created) MapUnimplemented(endpoints);
        registry.Services.Add(serviceName);
        return new GrpcServiceEndpoints(endpoints, serviceName, registry.Options);
    }

    /// <summary>
    /// Any other <c>/package.Service/Method</c> gRPC call answers UNIMPLEMENTED. Literal routes rank
    /// above this pattern, and non-gRPC requests that reach it get a plain 404.
    /// </summary>
    private static void MapUnimplemented(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/{service}/{method}", (HttpContext http, string service, string method) =>
        {
            if (!service.Contains('.') || !GrpcHeaders.IsGrpcContentType(http.Request.ContentType))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            if (!UnaryCallHandler.AcceptsCall(http)) return Task.CompletedTask;
            return UnaryCallHandler.WriteStatusAsync(http, GrpcStatusCode.Unimplemented, $"Method /{service}/{method} is not implemented by this server.");
        }).WithDisplayName("gRPC unimplemented");

    internal static IReadOnlyCollection<string> MappedServices(IEndpointRouteBuilder endpoints) =>
        GrpcServiceRegistry.For(endpoints, out _).Services;
}
