using RagService.Cli;
using RagService.Hosting;
using ServiceDefaults;

if (RagCli.IsCliInvocation(args)) return await RagCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddRagService();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRagService();
await app.RunAsync();
return 0;
