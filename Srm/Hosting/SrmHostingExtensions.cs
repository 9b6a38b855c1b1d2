using ServiceDefaults.Grpc;
using ServiceDefaults.Postgres;
using Srm.Grpc;
using Srm.Leases;

namespace Srm.Hosting;

/// <summary>Everything the Srm registers and maps; Program.cs (and test hosts) call these two methods.</summary>
public static class SrmHostingExtensions
{
    public const string DatabaseConnectionName = "srmdb";

    /// <summary>The lease database (<c>ConnectionStrings:srmdb</c>, migrated at start), the lease services, the gRPC server.</summary>
    public static IHostApplicationBuilder AddSrm(this IHostApplicationBuilder builder)
    {
        // Every call runs one of a few fixed statements: prepared once per connection, Postgres stops re-planning
        // them (the reservation statement's planning costs about as much as its execution).
        builder.AddNpgsqlDataSource(DatabaseConnectionName, dataSource =>
        {
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0) dataSource.ConnectionStringBuilder.MaxAutoPrepare = 16;
        });
        builder.AddPostgresMigrations(typeof(LeaseStore).Assembly, DatabaseConnectionName);
        builder.AddLeaseServices();
        builder.AddGrpcServer(Contracts.Srm.Srm.Descriptor);
        return builder;
    }

    /// <summary><c>srm.v1.Srm</c>, gRPC health and reflection.</summary>
    public static IEndpointRouteBuilder MapSrm(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<SrmService>();
        endpoints.MapGrpcDefaults();
        return endpoints;
    }
}
