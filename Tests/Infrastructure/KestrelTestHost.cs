using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tests.Infrastructure;

/// <summary>
/// A real Kestrel host on 127.0.0.1 with a free port (HTTP/1.1), built without any service's Program
/// (which is ambiguous across the referenced web projects). Dispose stops it.
/// </summary>
public sealed class KestrelTestHost : IAsyncDisposable
{
    private KestrelTestHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<KestrelTestHost> StartAsync(string applicationName, Action<WebApplicationBuilder> configure,
        Action<WebApplication> map, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = Environments.Production,
            Args = [],
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new KestrelTestHost(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
