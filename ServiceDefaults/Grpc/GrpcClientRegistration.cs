using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults.Discovery;

namespace ServiceDefaults.Grpc;

public static class GrpcClientRegistration
{
    /// <summary>
    /// A keyed <see cref="GrpcClient"/> for <paramref name="serviceName"/>: base address <c>http://{serviceName}</c>,
    /// resolved by service discovery (<c>services__{serviceName}__http__0</c>), HTTP/2 with prior knowledge.
    /// Inject it with <c>[FromKeyedServices("srm")] GrpcClient srm</c>.
    /// </summary>
    public static IServiceCollection AddGrpcClient(this IServiceCollection services, string serviceName)
    {
        services.AddServiceDiscovery();
        services.AddHttpClient(serviceName, http =>
        {
            http.BaseAddress = new Uri($"http://{serviceName}");
            http.DefaultRequestVersion = HttpVersion.Version20;
            http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            http.Timeout = Timeout.InfiniteTimeSpan;   // calls carry their own deadlines (grpc-timeout)
        }).AddServiceDiscovery();
        services.AddKeyedTransient(serviceName, (provider, _) => new GrpcClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(serviceName),
            GrpcTransportOptions.From(provider.GetService<IConfiguration>())));
        return services;
    }
}
