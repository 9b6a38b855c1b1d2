using Microsoft.Extensions.DependencyInjection.Extensions;
using Srm.Grpc;
using Srm.Telemetry;

namespace Srm.Leases;

public static class LeaseServiceCollectionExtensions
{
    /// <summary>
    /// The lease store, the gRPC-facing service, telemetry and the background sweeper. Expects an
    /// <see cref="Npgsql.NpgsqlDataSource"/> for the srmdb database to be registered.
    /// </summary>
    public static IHostApplicationBuilder AddLeaseServices(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SrmOptions>(builder.Configuration.GetSection(SrmOptions.SectionName));
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SrmTelemetry>();
        builder.Services.AddSingleton<LeaseStore>();
        builder.Services.AddSingleton<SrmService>();
        builder.Services.AddHostedService<ExpiredLeaseSweeper>();
        return builder;
    }
}
