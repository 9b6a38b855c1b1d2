using Contracts.Srm;
using Microsoft.AspNetCore.Builder;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults;
using ServiceDefaults.Grpc;
using Tests.Infrastructure;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Tests.Grpc;

/// <summary>AddGrpcServiceClient: found by service name, and retried on UNAVAILABLE only where the contract says it is safe.</summary>
public sealed class GrpcClientDefaultsTests : IAsyncLifetime
{
    private readonly ScriptedSrm srm = new();
    private KestrelTestHost server = null!;
    private IHost clientHost = null!;
    private SrmClient client = null!;

    public async Task InitializeAsync()
    {
        server = await KestrelTestHost.StartAsync(app => app.MapGrpcService<ScriptedSrm>(), builder =>
        {
            builder.AddGrpcServer(Contracts.Srm.Srm.Descriptor);
            builder.Services.AddSingleton(srm);
        });
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["services:srm:http:0"] = server.Address.ToString() });
        builder.AddServiceDefaults();
        builder.Services.AddGrpcServiceClient<SrmClient>("srm", Contracts.Srm.Srm.Descriptor);
        clientHost = builder.Build();
        client = clientHost.Services.GetRequiredService<SrmClient>();
    }

    public async Task DisposeAsync()
    {
        clientHost.Dispose();
        await server.DisposeAsync();
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);

    [Fact]
    public async Task An_idempotent_call_is_retried_on_unavailable_until_it_succeeds()
    {
        srm.FailuresLeft = 2;

        var reply = await client.ReleasePlanAsync(new ReleasePlanRequest { PlanId = "p" }, deadline: Deadline());

        Assert.Equal(3, reply.Released);
        Assert.Equal(3, srm.Calls["ReleasePlan"]);
    }

    [Fact]
    public async Task A_call_that_is_not_idempotent_is_never_retried()
    {
        srm.FailuresLeft = 1;

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ReleaseAsync(new ReleaseRequest { LeaseId = 1 }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(1, srm.Calls["Release"]);
    }

    [Fact]
    public async Task Other_failures_are_not_retried_even_for_idempotent_calls()
    {
        srm.Throw = new RpcException(new Status(StatusCode.Aborted, "held by plan other"));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ReserveAsync(new ReserveRequest { PlanId = "p" }, deadline: Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, e.StatusCode);
        Assert.Equal(1, srm.Calls["Reserve"]);
    }

    [Fact]
    public async Task The_deadline_bounds_the_retries()
    {
        srm.FailuresLeft = int.MaxValue;

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client.ReleasePlanAsync(new ReleasePlanRequest { PlanId = "p" }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);

        Assert.True(e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Unavailable, e.Status.ToString());
        Assert.InRange(srm.Calls["ReleasePlan"], 1, 3);
    }
}
