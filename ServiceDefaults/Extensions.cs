using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace ServiceDefaults;

/// <summary>What every service shares: telemetry, health, metrics, service discovery.</summary>
public static class Extensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapGet("/alive", () => Results.Text("Healthy"));
        app.MapGet("/health", () => Results.Text("Healthy"));
        return app;
    }
}
