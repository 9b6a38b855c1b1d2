using AppHost.Infrastructure;
using Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AppHost.Hosting;

/// <summary>
/// The whole system on one machine without containers: Postgres and Kafka (local ones unless given by
/// connection string), then the four services as child processes with Aspire's environment conventions,
/// each started after what it references and once healthy. Stops in reverse order.
/// </summary>
public sealed partial class LocalDistributedApplication(LocalSystemOptions options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("AppHost");
    private readonly Dictionary<string, ServiceProcess> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _databases = new(StringComparer.Ordinal);
    private LocalPostgres? _postgres;
    private DevKafka? _kafka;

    public string KafkaBootstrapServers { get; private set; } = "";

    /// <summary>True when Kafka is the in-memory dev broker (messages are lost when it stops).</summary>
    public bool UsesDevKafka => _kafka is not null;

    public string? PostgresDescription { get; private set; }

    public IReadOnlyCollection<ServiceProcess> Services => _services.Values;

    public ServiceProcess this[string name] => _services[name];

    public string DatabaseConnectionString(string database) => _databases[database];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartPostgresAsync(cancellationToken);
        StartKafka();
        foreach (var project in PipelineResources.Services)
        {
            var service = CreateService(project);
            _services[project.Name] = service;
            service.Start();
            await service.WaitHealthyAsync(options.HealthTimeout, cancellationToken);
            LogHealthy(_logger, project.Name, service.HttpUrl);
        }
    }

    /// <summary>Starts a stopped or killed service again with the same environment and ports.</summary>
    public async Task RestartAsync(string name, CancellationToken cancellationToken)
    {
        var service = _services[name];
        await service.StopAsync();
        service.Start();
        await service.WaitHealthyAsync(options.HealthTimeout, cancellationToken);
    }

    /// <summary>Stops everything in reverse order; one resource failing to stop does not keep the others running.</summary>
    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var service in _services.Values.Reverse()) await StopAsync(service.StopAsync, failures);
        await StopAsync(() => { _kafka?.Dispose(); return Task.CompletedTask; }, failures);
        await StopAsync(async () => { if (_postgres is not null) await _postgres.DisposeAsync(); }, failures);
        if (failures.Count > 0) throw new AggregateException("Some resources did not stop cleanly.", failures);
    }

    private static async Task StopAsync(Func<Task> stop, List<Exception> failures)
    {
        try
        {
            await stop();
        }
        catch (Exception e)
        {
            failures.Add(e);
        }
    }

    private async Task StartPostgresAsync(CancellationToken cancellationToken)
    {
        var configured = PipelineResources.Databases
            .Select(db => (db, cs: options.Configuration.GetConnectionString(db)))
            .ToList();
        if (configured.All(c => !string.IsNullOrEmpty(c.cs)))
        {
            foreach (var (db, cs) in configured) _databases[db] = cs!;
            PostgresDescription = "external (per-database connection strings)";
            return;
        }

        if (options.Configuration.GetConnectionString(PipelineResources.Postgres) is { Length: > 0 } server)
        {
            await using var dataSource = NpgsqlDataSource.Create(server);
            foreach (var db in PipelineResources.Databases)
            {
                await CreateDatabaseIfMissingAsync(dataSource, db, cancellationToken);
                _databases[db] = new NpgsqlConnectionStringBuilder(server) { Database = db }.ConnectionString;
            }
            PostgresDescription = "external server (ConnectionStrings__postgres)";
            return;
        }

        _postgres = options.DataDirectory is { } dir
            ? await LocalPostgres.StartKeptAsync(Path.Combine(dir, "postgres"), loggerFactory.CreateLogger<LocalPostgres>(), cancellationToken)
            : await LocalPostgres.StartThrowawayAsync(loggerFactory.CreateLogger<LocalPostgres>(), cancellationToken);
        foreach (var db in PipelineResources.Databases)
            _databases[db] = await _postgres.CreateDatabaseAsync(db, cancellationToken);
        PostgresDescription = _postgres.IsThrowaway
            ? $"local throwaway on 127.0.0.1:{_postgres.Port}"
            : $"local on 127.0.0.1:{_postgres.Port}, data in {_postgres.DataDirectory}";
    }

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlDataSource server, string database, CancellationToken cancellationToken)
    {
        await using var exists = server.CreateCommand("SELECT 1 FROM pg_database WHERE datname = $1");
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        // Database names cannot be parameters; ours are fixed identifiers.
        await using var create = server.CreateCommand($"CREATE DATABASE \"{database}\"");
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    private void StartKafka()
    {
        if (options.Configuration.GetConnectionString(PipelineResources.Kafka) is { Length: > 0 } bootstrap)
        {
            KafkaBootstrapServers = bootstrap;
            return;
        }
        _kafka = DevKafka.Start(logger: loggerFactory.CreateLogger<DevKafka>());
        _kafka.CreatePipelineTopics(options.TopicPartitions);
        KafkaBootstrapServers = _kafka.BootstrapServers;
    }

    private ServiceProcess CreateService(ServiceProject project)
    {
        var httpUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var healthUrl = project.ServesGrpc ? new Uri($"http://127.0.0.1:{FreePort.Next()}") : httpUrl;
        var environment = ServiceEnvironment.For(project, httpUrl, healthUrl, this, options);
        return new ServiceProcess(project, ServiceAssemblies.PathOf(project.Project), environment, httpUrl, healthUrl,
            options.Output, _logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource} is healthy at {Url}")]
    private static partial void LogHealthy(ILogger logger, string resource, Uri url);
}
