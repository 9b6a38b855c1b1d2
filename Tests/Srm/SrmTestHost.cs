using System.Net;
using Contracts.Srm;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Srm.Grpc;
using SrmClient = Contracts.Srm.Srm.SrmClient;

namespace Tests.Srm;

/// <summary>
/// The real Srm (its Program: data source, migrations, lease services, endpoint mapping) on a real Kestrel h2c
/// listener on 127.0.0.1 with a free port, over a given database; called through the generated Grpc.Net.Client client.
/// </summary>
public sealed class SrmTestHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<SrmService> factory;
    private readonly HttpClient http;
    private readonly GrpcChannel channel;

    private SrmTestHost(WebApplicationFactory<SrmService> factory, Uri address, string connectionString)
    {
        this.factory = factory;
        Address = address;
        ConnectionString = connectionString;
        http = new HttpClient
        {
            BaseAddress = address,
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        channel = GrpcChannel.ForAddress(address);
        Client = new SrmClient(channel);
    }

    public Uri Address { get; }

    public string ConnectionString { get; }

    public SrmClient Client { get; }

    public GrpcChannel Channel => channel;

    public IServiceProvider Services => factory.Services;

    /// <summary>Plain HTTP to the same listener (h2c): /metrics, /health.</summary>
    public HttpClient Http => http;

    public static Task<SrmTestHost> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var factory = new WebApplicationFactory<SrmService>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:srmdb", connectionString);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return Task.FromResult(new SrmTestHost(factory, new Uri(address), connectionString));
    }

    public async Task<ReserveReply> ReserveAsync(ReserveRequest request) => await Client.ReserveAsync(request, deadline: Deadline());

    public async Task<ReserveBatchReply> ReserveBatchAsync(ReserveBatchRequest request) => await Client.ReserveBatchAsync(request, deadline: Deadline());

    public async Task<RenewReply> RenewAsync(long leaseId, int ttlSeconds = 0) =>
        await Client.RenewAsync(new RenewRequest { LeaseId = leaseId, TtlSec = ttlSeconds }, deadline: Deadline());

    public async Task<ReleaseReply> ReleaseAsync(long leaseId) => await Client.ReleaseAsync(new ReleaseRequest { LeaseId = leaseId }, deadline: Deadline());

    public async Task<ReleasePlanReply> ReleasePlanAsync(string planId) =>
        await Client.ReleasePlanAsync(new ReleasePlanRequest { PlanId = planId }, deadline: Deadline());

    public async Task<ListLeasesReply> ListAsync(ListLeasesRequest request) => await Client.ListLeasesAsync(request, deadline: Deadline());

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);

    /// <summary>Runs a scalar query on the service's database (the source of truth the tests check).</summary>
    public async Task<T> QueryScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        channel.Dispose();
        http.Dispose();
        await factory.DisposeAsync();
    }
}
