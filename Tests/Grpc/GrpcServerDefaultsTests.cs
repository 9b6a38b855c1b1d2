using Contracts.Srm;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDefaults.Grpc;
using ServiceDefaults.Health;
using Tests.Infrastructure;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Tests.Grpc;

/// <summary>What AddGrpcServer adds to Grpc.AspNetCore: error mapping, message limits, health from readiness checks.</summary>
public sealed class GrpcServerDefaultsTests : IAsyncLifetime
{
    private readonly ScriptedSrm srm = new();
    private volatile bool databaseUp = true;
    private KestrelTestHost host = null!;
    private SrmClient client = null!;

    public async Task InitializeAsync()
    {
        host = await KestrelTestHost.StartAsync(app =>
        {
            app.MapGrpcService<ScriptedSrm>();
            app.MapGrpcDefaults();
        }, builder =>
        {
            builder.AddGrpcServer(Contracts.Srm.Srm.Descriptor);
            builder.Services.Configure<GrpcErrorOptions>(errors => errors.Map<KeyNotFoundException>(StatusCode.NotFound));
            builder.Services.AddSingleton(srm);
            builder.Services.AddHealthChecks().AddCheck("database",
                () => databaseUp ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("down"), [HealthTags.Ready]);
        });
        client = new SrmClient(host.CreateChannel());
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task An_unhandled_exception_is_internal_naming_a_trace_and_hiding_its_text()
    {
        srm.Throw = new InvalidOperationException("Password=hunter2 leaked from a connection string");

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ReserveAsync(new ReserveRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.Contains("/srm.v1.Srm/Reserve", e.Status.Detail);
        Assert.Contains("trace", e.Status.Detail);
        Assert.DoesNotContain("hunter2", e.Status.Detail);
    }

    [Fact]
    public async Task A_mapped_exception_gets_its_code_and_message()
    {
        srm.Throw = new KeyNotFoundException("no lease 7");

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ReserveAsync(new ReserveRequest()).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal("no lease 7", e.Status.Detail);
    }

    [Fact]
    public async Task Messages_over_4_MiB_are_resource_exhausted_both_ways_and_the_server_keeps_serving()
    {
        // A raw channel without the client's own send limit, so the server's limit is what refuses.
        using var unlimited = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { MaxSendMessageSize = null, MaxReceiveMessageSize = null });
        var raw = new SrmClient(unlimited);

        var tooBig = await Assert.ThrowsAsync<RpcException>(() =>
            raw.ReserveAsync(new ReserveRequest { Repo = new string('r', GrpcLimits.MaxMessageSize + 1) }).ResponseAsync);
        var replyTooBig = await Assert.ThrowsAsync<RpcException>(() =>
            raw.ListLeasesAsync(new ListLeasesRequest { PageSize = 4200 }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, tooBig.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, replyTooBig.StatusCode);
        Assert.Equal(100, (await raw.ListLeasesAsync(new ListLeasesRequest { PageSize = 100 })).Leases.Count);
    }

    [Fact]
    public async Task Health_follows_the_readiness_checks_for_the_server_and_its_services_only()
    {
        var health = new Health.HealthClient(host.CreateChannel());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "srm.v1.Srm" })).Status);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "nope.v1.Nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        databaseUp = false;
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = "srm.v1.Srm" })).Status);
    }
}
