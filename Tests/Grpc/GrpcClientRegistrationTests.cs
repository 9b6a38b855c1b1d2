using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults.Grpc;
using Tests.Infrastructure;

namespace Tests.Grpc;

public sealed class GrpcClientRegistrationTests
{
    [Fact]
    public async Task Keyed_client_resolves_its_service_through_discovery_configuration()
    {
        await using var host = await KestrelTestHost.StartAsync(EchoService.Map);
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["services:echo:http:0"] = host.Address.ToString() })
                .Build())
            .AddLogging()
            .AddGrpcClient("echo")
            .BuildServiceProvider();

        var client = services.GetRequiredKeyedService<GrpcClient>("echo");
        var reply = await client.UnaryAsync<StringValue, StringValue>(EchoService.Name, "Echo", new StringValue { Value = "found" });

        Assert.Equal("echo: found", reply.Value);
        Assert.Equal("http://echo/", client.Address?.ToString());
    }
}
