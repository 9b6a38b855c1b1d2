using System.Net;
using Contracts.Srm;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServiceDefaults.Grpc;
using Srm.Grpc;

namespace Tests.Srm;

/// <summary>
/// The real Srm (its Program: data source, migrations, lease services, endpoint mapping) on a real Kestrel h2c
/// listener on 127.0.0.1 with a free port, over a given database; called through the real gRPC client.
/// </summary>
public sealed class SrmTestHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<SrmService> factory;
    private readonly HttpClient http;

    private SrmTestHost(WebApplicationFactory<SrmService> factory, Uri address, string connectionString)
    {
        this.factory = factory;
        Address = address;
        ConnectionString = connectionString;
        http = new HttpClient
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        Client = new GrpcClient(http);
    }

    public Uri Address { get; }

    public string ConnectionString { get; }

    public GrpcClient Client { get; }

    public IServiceProvider Services => factory.Services;

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

    public Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new() =>
        Client.UnaryAsync<TRequest, TResponse>(SrmEndpoints.ServiceName, method, request, TimeSpan.FromSeconds(30));

    public Task<ReserveReply> ReserveAsync(ReserveRequest request) => CallAsync<ReserveRequest, ReserveReply>("Reserve", request);

    public Task<ReserveBatchReply> ReserveBatchAsync(ReserveBatchRequest request) =>
        CallAsync<ReserveBatchRequest, ReserveBatchReply>("ReserveBatch", request);

    public Task<RenewReply> RenewAsync(long leaseId, int ttlSeconds = 0) =>
        CallAsync<RenewRequest, RenewReply>("Renew", new RenewRequest { LeaseId = leaseId, TtlSec = ttlSeconds });

    public Task<ReleaseReply> ReleaseAsync(long leaseId) =>
        CallAsync<ReleaseRequest, ReleaseReply>("Release", new ReleaseRequest { LeaseId = leaseId });

    public Task<ReleasePlanReply> ReleasePlanAsync(string planId) =>
        CallAsync<ReleasePlanRequest, ReleasePlanReply>("ReleasePlan", new ReleasePlanRequest { PlanId = planId });

    public Task<ListLeasesReply> ListAsync(ListLeasesRequest request) => CallAsync<ListLeasesRequest, ListLeasesReply>("ListLeases", request);

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
        http.Dispose();
        await factory.DisposeAsync();
    }
}
