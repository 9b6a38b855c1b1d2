using RequestPlanner.Planning;
using RequestPlanner.Worker;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRequestPlanner();

var app = builder.Build();
// Create the instruments at start, so /metrics lists them before the first plan.
app.Services.GetRequiredService<PlannerMetrics>();
app.MapDefaultEndpoints();
app.Run();
