using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServiceDefaults.Postgres;
using Tests.Infrastructure;

namespace Tests.Postgres;

/// <summary>Aspire.Npgsql's data source as our services register it, and our migrations on it.</summary>
public sealed class PostgresDataSourceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public void Redaction_keeps_the_target_and_drops_the_password()
    {
        var described = ConnectionStringRedaction.Describe("Host=10.0.0.5;Port=6543;Username=app;Password=hunter2-secret;Database=srmdb");

        Assert.Equal("Host=10.0.0.5;Port=6543;Database=srmdb;Username=app", described);
    }

    [Fact]
    public async Task The_registered_data_source_connects_and_its_health_check_passes()
    {
        var connectionString = await postgres.CreateDatabaseAsync("datasource");
        using var host = BuildHost(connectionString, builder => { });

        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var command = dataSource.CreateCommand("SELECT current_database()"))
        {
            Assert.Equal(new NpgsqlConnectionStringBuilder(connectionString).Database, await command.ExecuteScalarAsync());
        }
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["PostgreSql"].Status);
    }

    [Fact]
    public async Task Hosted_migrations_finish_before_other_hosted_services_start()
    {
        var connectionString = await postgres.CreateDatabaseAsync("hosted_migrations");
        var probe = new MigrationProbe();
        using var host = BuildHost(connectionString, builder =>
        {
            // Registered first on purpose: it must still see the migrated schema when it starts.
            builder.Services.AddSingleton<IHostedService>(services => probe.Bind(services.GetRequiredService<NpgsqlDataSource>()));
            builder.AddPostgresMigrations(typeof(PostgresDataSourceTests).Assembly, folder: "SampleMigrations");
        });

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(2, probe.MigrationsSeenAtStart);
    }

    private static IHost BuildHost(string connectionString, Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:appdb"] = connectionString });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.AddNpgsqlDataSource("appdb");
        configure(builder);
        return builder.Build();
    }

    private sealed class MigrationProbe : IHostedService
    {
        private NpgsqlDataSource? dataSource;

        public long? MigrationsSeenAtStart { get; private set; }

        public MigrationProbe Bind(NpgsqlDataSource source)
        {
            dataSource = source;
            return this;
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var command = dataSource!.CreateCommand(
                "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE (SELECT count(*) FROM schema_migrations) END");
            MigrationsSeenAtStart = (long?)await command.ExecuteScalarAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
