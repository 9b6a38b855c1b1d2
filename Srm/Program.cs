using ServiceDefaults;
using Srm.Bench;
using Srm.Hosting;

// `Srm bench --url ...` is the load command; anything else runs the service.
if (args is ["bench", .. var benchArgs])
{
    return await BenchCommand.RunAsync(benchArgs);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSrm();

var app = builder.Build();
app.MapSrm();
app.MapDefaultEndpoints();
await app.RunAsync();
return 0;
