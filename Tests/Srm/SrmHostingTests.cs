using Grpc.Health.V1;
using Contracts.Srm;
using Grpc.Core;
using static Tests.Srm.Symbols;

namespace Tests.Srm;

/// <summary>The Srm's wiring: gRPC health, readiness, and its metrics on /metrics (Prometheus text).</summary>
public sealed class SrmHostingTests(SrmServerFixture server) : IClassFixture<SrmServerFixture>
{
    private SrmTestHost Srm => server.Host;

    [Fact]
    public async Task Grpc_health_reports_the_srm_service_serving()
    {
        var health = new Health.HealthClient(Srm.Channel);
        foreach (var service in new[] { "", "srm.v1.Srm" })
        {
            var reply = await health.CheckAsync(new HealthCheckRequest { Service = service });
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }

        var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "nope.v1.Nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Metrics_endpoint_exposes_reservation_counts_by_result()
    {
        var repo = NewRepo();
        await Srm.ReserveAsync(Reserve(repo, "App.A", "plan-a"));
        await Assert.ThrowsAsync<RpcException>(() => Srm.ReserveAsync(Reserve(repo, "App.A", "plan-b")));

        var text = await Srm.Http.GetStringAsync("/metrics");

        Assert.Contains("srm_reservations_total{", text);
        Assert.Contains("result=\"granted\"", text);
        Assert.Contains("result=\"conflict\"", text);
        Assert.Contains("srm_request_duration_seconds_bucket{", text);
    }
}
