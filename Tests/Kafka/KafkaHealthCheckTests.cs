using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ServiceDefaults.Kafka;

namespace Tests.Kafka;

public sealed class KafkaHealthCheckTests(DevKafkaFixture broker) : IClassFixture<DevKafkaFixture>
{
    [Fact]
    public async Task Ready_check_is_healthy_against_the_broker_on_every_run()
    {
        using var host = BuildHost(broker.BootstrapServers);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var first = await health.CheckHealthAsync(r => r.Tags.Contains("ready"));
        var second = await health.CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Healthy, first.Status);
        Assert.Equal(HealthStatus.Healthy, second.Status);
        Assert.Contains("kafka", first.Entries.Keys);
    }

    [Fact]
    public async Task Ready_check_is_unhealthy_when_nothing_listens_and_says_what_to_check()
    {
        using var host = BuildHost($"127.0.0.1:{ClosedPort()}");
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync(r => r.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("ConnectionStrings:kafka", report.Entries["kafka"].Description);
    }

    private static IHost BuildHost(string bootstrapServers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:kafka"] = bootstrapServers });
        builder.AddKafkaProducer<byte[], byte[]>("kafka");
        return builder.Build();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
