using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDefaults.Grpc;

/// <summary>The gRPC services one application maps, so health can name them and unknown calls get UNIMPLEMENTED.</summary>
internal sealed class GrpcServiceRegistry(GrpcTransportOptions options)
{
    private static readonly ConditionalWeakTable<IEndpointRouteBuilder, GrpcServiceRegistry> Registries = new();

    public GrpcTransportOptions Options { get; } = options;

    public HashSet<string> Services { get; } = new(StringComparer.Ordinal);

    public static GrpcServiceRegistry For(IEndpointRouteBuilder endpoints, out bool created)
    {
        var isNew = false;
        var registry = Registries.GetValue(endpoints, e =>
        {
            isNew = true;
            return new GrpcServiceRegistry(GrpcTransportOptions.From(e.ServiceProvider.GetService<IConfiguration>()));
        });
        created = isNew;
        return registry;
    }
}
