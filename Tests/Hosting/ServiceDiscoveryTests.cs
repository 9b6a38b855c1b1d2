using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults;
using ServiceDefaults.Discovery;
using Tests.Infrastructure;

namespace Tests.Hosting;

public sealed class ServiceDiscoveryTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    [Fact]
    public void A_service_name_resolves_from_the_aspire_environment_variable()
    {
        // A unique variable name, so parallel tests cannot see or disturb it.
        var service = $"sdtest{Guid.NewGuid():N}"[..20];
        var variable = $"services__{service}__http__0";
        Environment.SetEnvironmentVariable(variable, "http://127.0.0.1:5123");
        try
        {
            var resolver = new ServiceEndpointResolver(new ConfigurationBuilder().AddEnvironmentVariables().Build());

            var resolved = resolver.Resolve(new Uri($"http://{service}/srm.v1.Srm/Reserve?x=1"));

            Assert.Equal(new Uri("http://127.0.0.1:5123/srm.v1.Srm/Reserve?x=1"), resolved);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void An_unknown_service_name_names_the_configuration_key_to_set()
    {
        var resolver = Resolver(("services:srm:http:0", "http://127.0.0.1:5123"));

        var error = Assert.Throws<ServiceEndpointNotFoundException>(() => resolver.Resolve(new Uri("http://ragservice/x")));

        Assert.Contains("services__ragservice__http__0", error.Message);
        Assert.Contains("services:ragservice:http:0", error.Message);
        Assert.Equal("ragservice", error.ServiceName);
    }

    [Fact]
    public void A_known_service_without_the_requested_scheme_is_an_error_naming_that_scheme()
    {
        var resolver = Resolver(("services:srm:http:0", "http://127.0.0.1:5123"));

        var error = Assert.Throws<ServiceEndpointNotFoundException>(() => resolver.Resolve(new Uri("https://srm/x")));

        Assert.Contains("services__srm__https__0", error.Message);
    }

    [Fact]
    public void Ordinary_addresses_are_left_alone()
    {
        var resolver = Resolver(("services:srm:http:0", "http://127.0.0.1:5123"));

        Assert.False(resolver.TryResolve(new Uri("http://127.0.0.1:8080/a"), out _));
        Assert.False(resolver.TryResolve(new Uri("https://api.openai.com/v1"), out _));
        Assert.False(resolver.TryResolve(new Uri("http://localhost:6333/collections"), out _));
    }

    [Fact]
    public void Scheme_preference_and_named_endpoints_follow_aspire()
    {
        var resolver = Resolver(
            ("services:srm:http:0", "http://127.0.0.1:5123"),
            ("services:srm:https:0", "https://127.0.0.1:7123"),
            ("services:srm:grpc:0", "http://127.0.0.1:5999"),
            ("services:rag:http:0", "127.0.0.1:6000"));

        Assert.Equal(new Uri("https://127.0.0.1:7123/"), resolver.Resolve(new Uri("https+http://srm")));
        Assert.Equal(new Uri("http://127.0.0.1:6000/"), resolver.Resolve(new Uri("https+http://rag")));
        Assert.Equal(new Uri("http://127.0.0.1:5999/h"), resolver.Resolve(new Uri("http://_grpc.srm/h")));
    }

    [Fact]
    public void Several_endpoints_are_used_in_turn()
    {
        var resolver = Resolver(("services:srm:http:0", "http://127.0.0.1:5001"), ("services:srm:http:1", "http://127.0.0.1:5002"));

        var ports = Enumerable.Range(0, 4).Select(_ => resolver.Resolve(new Uri("http://srm/")).Port).ToArray();

        Assert.Equal([5001, 5002, 5001, 5002], ports);
    }

    [Fact]
    public async Task Http_clients_from_the_factory_reach_a_service_by_name()
    {
        await using var target = await KestrelTestHost.StartAsync("DiscoveryTarget", _ => { },
            app => app.MapGet("/whoami", (HttpContext context) => $"target via {context.Request.Host}"));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["services:target:http:0"] = target.Address.ToString() });
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("named", client => client.BaseAddress = new Uri("http://target")).AddServiceDiscovery();
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();

        // Explicitly on a named client, and through AddServiceDefaults' defaults on any factory client.
        var named = await factory.CreateClient("named").GetStringAsync("/whoami");
        var plain = await factory.CreateClient().GetStringAsync("http://target/whoami");

        Assert.Equal($"target via 127.0.0.1:{target.Address.Port}", named);
        Assert.Equal(named, plain);
        var error = await Assert.ThrowsAsync<ServiceEndpointNotFoundException>(() => factory.CreateClient().GetStringAsync("http://nosuch/x"));
        Assert.Contains("services__nosuch__http__0", error.Message);
    }
}
