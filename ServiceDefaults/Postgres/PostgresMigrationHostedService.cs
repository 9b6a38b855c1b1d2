using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServiceDefaults.Postgres;

/// <summary>
/// Migrates in StartingAsync, which the host runs for every lifecycle service before any hosted
/// service's StartAsync (Kestrel, consumers, background workers).
/// </summary>
public sealed class PostgresMigrationHostedService(NpgsqlDataSource dataSource, IReadOnlyList<SqlMigration> migrations,
    ILogger<PostgresMigrationHostedService> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var result = await PostgresMigrator.MigrateAsync(dataSource, migrations, logger, cancellationToken);
        logger.LogInformation("Database {Target}: {Applied} migrations applied, {AlreadyApplied} already present",
            ConnectionStringRedaction.Describe(dataSource.ConnectionString), result.Applied.Count, result.AlreadyApplied);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
