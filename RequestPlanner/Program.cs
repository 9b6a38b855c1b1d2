using RequestPlanner.Worker;
using ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRequestPlanner();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
