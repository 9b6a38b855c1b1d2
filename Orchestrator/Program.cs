using Orchestrator.Hosting;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrchestrator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapOrchestrator();
app.Run();
