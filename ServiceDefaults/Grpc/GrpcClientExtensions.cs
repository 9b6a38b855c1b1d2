using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDefaults.Grpc;

public static class GrpcClientExtensions
{
    /// <summary>
    /// A Grpc.Net.ClientFactory client of <paramref name="service"/> at <c>http://{serviceName}</c>, resolved by
    /// service discovery (<c>services__{serviceName}__http__0</c>). Calls the contract marks IDEMPOTENT or
    /// NO_SIDE_EFFECTS are retried on UNAVAILABLE within their deadline (gRPC's retry policy); others never are.
    /// HTTP-level resilience handlers are removed: they would retry any POST and cut calls at their own timeouts,
    /// whereas each gRPC call carries its deadline.
    /// </summary>
    public static IHttpClientBuilder AddGrpcServiceClient<TClient>(this IServiceCollection services, string serviceName, ServiceDescriptor service)
        where TClient : ClientBase =>
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the documented way out of ConfigureHttpClientDefaults' handler; still marked experimental
        services.AddGrpcClient<TClient>(client => client.Address = new Uri($"http://{serviceName}"))
            .ConfigureChannel(channel =>
            {
                channel.MaxReceiveMessageSize = GrpcLimits.MaxMessageSize;
                channel.MaxSendMessageSize = GrpcLimits.MaxMessageSize;
                channel.ServiceConfig = RetryIdempotentCalls(service);
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

    /// <summary>Up to 4 attempts, 0.2 s to 2 s apart, on UNAVAILABLE only, for the calls that are safe to repeat.</summary>
    public static ServiceConfig RetryIdempotentCalls(ServiceDescriptor service)
    {
        var retry = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = 4,
                InitialBackoff = TimeSpan.FromMilliseconds(200),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var method in service.Methods.Where(IsSafeToRepeat))
            retry.Names.Add(new MethodName { Service = service.FullName, Method = method.Name });
        return new ServiceConfig { MethodConfigs = { retry } };
    }

    private static bool IsSafeToRepeat(MethodDescriptor method) =>
        method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.Idempotent
            or MethodOptions.Types.IdempotencyLevel.NoSideEffects;
}
