using Contracts.Srm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServiceDefaults;
using ServiceDefaults.Grpc;
using static Tests.Srm.Symbols;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Tests.Srm;

/// <summary>Aspire's <c>services__srm__http__0</c> makes <c>http://srm</c> reach the Srm, as the planner and orchestrator call it.</summary>
public sealed class SrmDiscoveryTests(SrmServerFixture server) : IClassFixture<SrmServerFixture>
{
    [Fact]
    public async Task The_aspire_environment_variable_makes_http_srm_reach_the_srm()
    {
        // The real variable name, behind a prefix no other test (or process) uses; the provider strips the prefix.
        var prefix = $"T{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "services__srm__http__0", server.Host.Address.ToString());
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddEnvironmentVariables(prefix);
            builder.AddServiceDefaults();
            builder.Services.AddGrpcServiceClient<SrmClient>("srm", Contracts.Srm.Srm.Descriptor);
            using var host = builder.Build();
            var client = host.Services.GetRequiredService<SrmClient>();

            var reply = await client.ReserveAsync(Reserve(NewRepo(), "App.Found", "plan-discovery"), deadline: DateTime.UtcNow.AddSeconds(30));

            Assert.Equal(1L, await server.Host.QueryScalarAsync<long>("SELECT count(*) FROM leases WHERE lease_id = $1", reply.LeaseId));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "services__srm__http__0", null);
        }
    }
}
