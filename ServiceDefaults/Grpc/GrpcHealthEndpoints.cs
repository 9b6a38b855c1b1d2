using Contracts.Health;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDefaults.Health;

namespace ServiceDefaults.Grpc;

/// <summary><c>grpc.health.v1.Health/Check</c> answered from the same readiness checks as <c>/health</c>.</summary>
public static class GrpcHealthEndpoints
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static IEndpointRouteBuilder MapGrpcHealth(this IEndpointRouteBuilder endpoints)
    {
        var known = GrpcEndpointRouteBuilderExtensions.MappedServices(endpoints);
        endpoints.MapGrpcService(ServiceName).MapUnary<HealthCheckRequest, HealthCheckResponse>("Check", async (request, context) =>
        {
            // The empty name asks about the server as a whole; other names must be services it serves.
            if (request.Service.Length > 0 && !known.Contains(request.Service))
                throw new RpcException(GrpcStatusCode.NotFound, $"Unknown service '{request.Service}'.");

            var checks = context.HttpContext.RequestServices.GetService<HealthCheckService>();
            if (checks is null) return new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving };

            var report = await checks.CheckHealthAsync(r => r.Tags.Contains(HealthTags.Ready), context.CancellationToken);
            return new HealthCheckResponse
            {
                Status = report.Status == HealthStatus.Unhealthy
                    ? HealthCheckResponse.Types.ServingStatus.NotServing
                    : HealthCheckResponse.Types.ServingStatus.Serving,
            };
        });
        return endpoints;
    }
}
