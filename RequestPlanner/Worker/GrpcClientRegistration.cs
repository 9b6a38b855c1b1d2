using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults.Grpc;

namespace RequestPlanner.Worker;

/// <summary>
/// A keyed <see cref="GrpcClient"/> per referenced service, addressed as Aspire injects it
/// (<c>services__NAME__http__0</c>, else <c>http://NAME</c> for service discovery), over HTTP/2 with prior
/// knowledge. Stand-in until ServiceDefaults offers <c>AddGrpcClient(name)</c>; the keys stay the same.
/// </summary>
public static class GrpcClientRegistration
{
    public static IServiceCollection AddPlannerGrpcClient(this IServiceCollection services, string name)
    {
        services.AddHttpClient(name, (sp, http) =>
        {
            var configured = sp.GetRequiredService<IConfiguration>()[$"services:{name}:http:0"];
            http.BaseAddress = new Uri(string.IsNullOrWhiteSpace(configured) ? $"http://{name}" : configured);
            http.DefaultRequestVersion = HttpVersion.Version20;
            http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            http.Timeout = Timeout.InfiniteTimeSpan; // each call carries its own gRPC deadline
        });
        services.AddKeyedSingleton(name, (sp, _) => new GrpcClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(name)));
        return services;
    }
}
