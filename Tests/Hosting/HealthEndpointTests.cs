using System.Net;
using System.Text.Json;
using AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ServiceDefaults;
using ServiceDefaults.Health;
using Tests.Infrastructure;

namespace Tests.Hosting;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Alive_and_health_answer_on_kestrel_with_each_checks_status()
    {
        await using var host = await KestrelTestHost.StartAsync("HealthyService",
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddHealthChecks().AddCheck("dependency", () => HealthCheckResult.Healthy("reachable"), [HealthTags.Ready]);
            },
            app => app.MapDefaultEndpoints());

        var (aliveStatus, alive) = await GetJsonAsync(host.Client, "/alive");
        var (healthStatus, health) = await GetJsonAsync(host.Client, "/health");

        Assert.Equal(HttpStatusCode.OK, aliveStatus);
        Assert.Equal("Healthy", alive.GetProperty("status").GetString());
        Assert.Equal(["self"], CheckNames(alive));
        Assert.Equal(HttpStatusCode.OK, healthStatus);
        Assert.Equal(["dependency", "self"], CheckNames(health));
        Assert.Equal("Healthy", health.GetProperty("checks")[0].GetProperty("status").GetString());
        Assert.Equal("reachable", health.GetProperty("checks")[0].GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_failing_ready_check_makes_health_503_while_alive_stays_200()
    {
        await using var host = await KestrelTestHost.StartAsync("UnhealthyService",
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddHealthChecks()
                    .AddCheck("broker", () => HealthCheckResult.Unhealthy("broker unreachable"), [HealthTags.Ready])
                    .AddCheck("cache", () => HealthCheckResult.Healthy(), [HealthTags.Ready]);
            },
            app => app.MapDefaultEndpoints());

        var (healthStatus, health) = await GetJsonAsync(host.Client, "/health");
        var (aliveStatus, _) = await GetJsonAsync(host.Client, "/alive");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthStatus);
        Assert.Equal("Unhealthy", health.GetProperty("status").GetString());
        var statuses = health.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", statuses["broker"]);
        Assert.Equal("Healthy", statuses["cache"]);
        Assert.Equal(HttpStatusCode.OK, aliveStatus);
    }

    [Fact]
    public async Task Health_reports_unhealthy_when_postgres_goes_down()
    {
        // Its own server, because this test stops it.
        await using var server = await LocalPostgres.StartThrowawayAsync();
        var connectionString = await server.CreateDatabaseAsync("health_probe");
        await using var host = await KestrelTestHost.StartAsync("PostgresBackedService",
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddNpgsqlDataSource("appdb");
            },
            app => app.MapDefaultEndpoints(),
            new Dictionary<string, string?> { ["ConnectionStrings:appdb"] = connectionString });

        var (upStatus, up) = await GetJsonAsync(host.Client, "/health");
        await server.StopAsync();
        var (downStatus, down) = await GetJsonAsync(host.Client, "/health");
        var (aliveStatus, _) = await GetJsonAsync(host.Client, "/alive");

        Assert.Equal(HttpStatusCode.OK, upStatus);
        Assert.Equal(["PostgreSql", "self"], CheckNames(up));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, downStatus);
        var check = down.GetProperty("checks")[0];
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.DoesNotContain(server.Password, down.GetRawText());
        Assert.Equal(HttpStatusCode.OK, aliveStatus);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    private static string[] CheckNames(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
}
