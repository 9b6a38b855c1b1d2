using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Grpc.Net.Client;

namespace Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a free port, built without any service's Program (which is
/// ambiguous across the referenced web projects). HTTP/2 (h2c) for gRPC, HTTP/1.1 for plain HTTP tests.
/// </summary>
public sealed class KestrelTestHost : IAsyncDisposable
{
    private readonly HttpProtocols _protocols;
    private readonly List<GrpcChannel> _channels = [];

    private KestrelTestHost(WebApplication app, Uri address, HttpProtocols protocols)
    {
        App = app;
        Address = address;
        _protocols = protocols;
        Client = CreateHttpClient();
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>A client for this host, disposed with it.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>An HTTP/2 (h2c) host, as gRPC services run.</summary>
    public static Task<KestrelTestHost> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null) =>
        StartAsync("TestHost", configure ?? (_ => { }), map, settings: null, HttpProtocols.Http2);

    /// <summary>A host with its own application name (it selects meters, telemetry names), HTTP/1.1 by default.</summary>
    public static async Task<KestrelTestHost> StartAsync(string applicationName, Action<WebApplicationBuilder> configure,
        Action<WebApplication> map, IDictionary<string, string?>? settings = null, HttpProtocols protocols = HttpProtocols.Http1)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = Environments.Production,
            Args = [],
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        builder.Logging.ClearProviders();
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        configure(builder);

        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelTestHost(app, new Uri(address), protocols);
    }

    /// <summary>A new client speaking this host's protocol; the caller disposes it.</summary>
    public HttpClient CreateHttpClient() => new()
    {
        BaseAddress = Address,
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestVersion = _protocols == HttpProtocols.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>A gRPC channel to this host, disposed with it.</summary>
    public GrpcChannel CreateChannel()
    {
        var channel = GrpcChannel.ForAddress(Address);
        _channels.Add(channel);
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        foreach (var channel in _channels) channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
