using RagService.Cli;
using ServiceDefaults;

if (RagCli.IsCliInvocation(args)) return await RagCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync();
return 0;
