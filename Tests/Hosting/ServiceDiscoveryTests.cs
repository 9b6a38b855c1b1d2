using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults;
using Tests.Infrastructure;

namespace Tests.Hosting;

/// <summary>AddServiceDefaults on ordinary HttpClients: Microsoft.Extensions.ServiceDiscovery and the standard resilience handler.</summary>
public sealed class ServiceDiscoveryTests
{
    [Fact]
    public async Task Http_clients_from_the_factory_reach_a_service_by_name_and_retry_a_transient_failure()
    {
        var calls = 0;
        await using var target = await KestrelTestHost.StartAsync("DiscoveryTarget", _ => { }, app =>
        {
            app.MapGet("/whoami", (HttpContext context) => $"target via {context.Request.Host}");
            app.MapGet("/flaky", () => Interlocked.Increment(ref calls) == 1 ? Results.StatusCode(503) : Results.Text("recovered"));
        });
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["services:target:http:0"] = target.Address.ToString() });
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("named", client => client.BaseAddress = new Uri("http://target"));
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();

        var named = await factory.CreateClient("named").GetStringAsync("/whoami");
        var plain = await factory.CreateClient().GetStringAsync("http://target/whoami");
        var flaky = await factory.CreateClient().GetStringAsync("http://target/flaky");

        Assert.Equal($"target via 127.0.0.1:{target.Address.Port}", named);
        Assert.Equal(named, plain);
        Assert.Equal("recovered", flaky);
        Assert.Equal(2, calls);
    }
}
