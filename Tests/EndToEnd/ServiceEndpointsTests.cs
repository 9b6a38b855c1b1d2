using Aspire.Hosting.Testing;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Tests.EndToEnd;

/// <summary>Every service, as the AppHost starts it, serves the default endpoints on the endpoints Aspire gives it.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ServiceEndpointsTests(PipelineFixture pipeline)
{
    public static TheoryData<string> Services => new(PipelineFixture.Services);

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_answers_health_alive_and_metrics(string name)
    {
        // gRPC services serve /health on their HTTP/1.1 "health" endpoint; the others on "http".
        using var http = new HttpClient { BaseAddress = pipeline.App.GetEndpoint(name, name is "srm" or "ragservice" ? "health" : "http") };

        using var health = await http.GetAsync("/health");
        var report = await health.Content.ReadAsStringAsync();
        Assert.True(health.IsSuccessStatusCode, $"{name} /health: {(int)health.StatusCode} {report}");
        Assert.Contains("Healthy", report);

        using var alive = await http.GetAsync("/alive");
        Assert.True(alive.IsSuccessStatusCode, $"{name} /alive: {(int)alive.StatusCode}");

        using var metrics = await http.GetAsync("/metrics");
        Assert.True(metrics.IsSuccessStatusCode, $"{name} /metrics: {(int)metrics.StatusCode}");
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE ", await metrics.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("srm", "srm.v1.Srm")]
    [InlineData("ragservice", "rag.v1.Rag")]
    public async Task Grpc_service_answers_the_standard_health_check(string name, string service)
    {
        using var channel = GrpcChannel.ForAddress(pipeline.App.GetEndpoint(name, "http"));
        var client = new Health.HealthClient(channel);
        foreach (var asked in new[] { "", service })
        {
            var reply = await client.CheckAsync(new HealthCheckRequest { Service = asked }, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }
    }
}
