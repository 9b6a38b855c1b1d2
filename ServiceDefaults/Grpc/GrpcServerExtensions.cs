using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults.Health;

namespace ServiceDefaults.Grpc;

public static class GrpcServerExtensions
{
    /// <summary>
    /// Grpc.AspNetCore with the limits every service promises (4 MiB each way: RESOURCE_EXHAUSTED beyond),
    /// <see cref="GrpcErrorInterceptor"/> on every call, server reflection, and <c>grpc.health.v1.Health</c>
    /// answered from the liveness and readiness checks (<c>/alive</c>, <c>/health</c>), for the whole server ("") and for each of
    /// <paramref name="services"/>; other names are NOT_FOUND. Map <see cref="MapGrpcDefaults"/> beside the services.
    /// </summary>
    public static IGrpcServerBuilder AddGrpcServer(this IHostApplicationBuilder builder, params ServiceDescriptor[] services)
    {
        var grpc = builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = GrpcLimits.MaxMessageSize;
            options.MaxSendMessageSize = GrpcLimits.MaxMessageSize;
            options.Interceptors.Add<GrpcErrorInterceptor>();
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(health =>
        {
            foreach (var name in services.Select(s => s.FullName).Prepend(""))
                health.Services.Map(name, check => check.Tags.Contains(HealthTags.Ready) || check.Tags.Contains(HealthTags.Live));
        });
        return grpc;
    }

    /// <summary>Maps <c>grpc.health.v1.Health</c> and server reflection (<c>grpc.reflection.v1</c> and <c>v1alpha</c>).</summary>
    public static IEndpointRouteBuilder MapGrpcDefaults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
