using ServiceDefaults;
using ServiceDefaults.Grpc;
using ServiceDefaults.Postgres;
using Srm.Bench;
using Srm.Grpc;
using Srm.Leases;

// `Srm bench --url ...` is the load command; anything else runs the service.
if (args is ["bench", .. var benchArgs])
{
    return await BenchCommand.RunAsync(benchArgs);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("srmdb");
builder.AddPostgresMigrations(typeof(LeaseStore).Assembly);
builder.AddLeaseServices();

var app = builder.Build();
app.MapSrm();
app.MapGrpcHealth();
app.MapDefaultEndpoints();
await app.RunAsync();
return 0;
