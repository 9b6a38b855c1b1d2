using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServiceDefaults.Health;

namespace ServiceDefaults.Postgres;

public static class PostgresDataSourceExtensions
{
    /// <summary>
    /// Registers an <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings:{connectionName}</c> (keyed by the
    /// name; the first one registered is also the unkeyed default) and a "ready" health check running SELECT 1.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName,
        Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var connectionString = RequiredConnectionString(builder.Configuration, connectionName);
        builder.Services.AddKeyedSingleton(connectionName, (services, _) =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName };
            if (services.GetService<ILoggerFactory>() is { } loggerFactory)
            {
                dataSourceBuilder.UseLoggerFactory(loggerFactory);
            }
            configure?.Invoke(dataSourceBuilder);
            return dataSourceBuilder.Build();
        });
        builder.Services.TryAddSingleton(services => services.GetRequiredKeyedService<NpgsqlDataSource>(connectionName));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"postgres-{connectionName}",
            services => new PostgresHealthCheck(services.GetRequiredKeyedService<NpgsqlDataSource>(connectionName), connectionName),
            HealthStatus.Unhealthy,
            [HealthTags.Ready],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>
    /// Applies the SQL migrations embedded in <paramref name="assembly"/> (<c>Migrations/NNNN_name.sql</c>) to
    /// the data source of <paramref name="connectionName"/> (default: the unkeyed one) while the host starts,
    /// before any other hosted service's StartAsync. A failure stops the host with the reason.
    /// </summary>
    public static IHostApplicationBuilder AddPostgresMigrations(this IHostApplicationBuilder builder, Assembly assembly,
        string? connectionName = null, string folder = "Migrations")
    {
        var migrations = SqlMigrations.FromAssembly(assembly, folder);
        builder.Services.AddSingleton<IHostedService>(services => new PostgresMigrationHostedService(
            connectionName is null
                ? services.GetRequiredService<NpgsqlDataSource>()
                : services.GetRequiredKeyedService<NpgsqlDataSource>(connectionName),
            migrations,
            services.GetRequiredService<ILogger<PostgresMigrationHostedService>>()));
        return builder;
    }

    internal static string RequiredConnectionString(IConfiguration configuration, string connectionName)
    {
        var connectionString = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Connection string '{connectionName}' is missing: set the environment variable ConnectionStrings__{connectionName} " +
                $"(or configuration ConnectionStrings:{connectionName}) to an Npgsql connection string, " +
                $"e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=...;Database={connectionName}.");
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            // The parser's message names the offending keyword, not the values.
            throw new InvalidOperationException(
                $"Connection string '{connectionName}' (ConnectionStrings__{connectionName}) is not a valid Npgsql connection string: {exception.Message}",
                exception);
        }
        return connectionString;
    }
}
