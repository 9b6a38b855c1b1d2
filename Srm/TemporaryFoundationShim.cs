// TEMPORARY until ServiceDefaults/Postgres lands on main: delete at merge.
using System.Reflection;
using Npgsql;

namespace ServiceDefaults.Postgres;

public static class PostgresDataSourceExtensions
{
    public static IHostApplicationBuilder AddNpgsqlDataSource(this IHostApplicationBuilder builder, string connectionName)
    {
        var cs = builder.Configuration.GetConnectionString(connectionName)!;
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(cs));
        return builder;
    }

    public static IHostApplicationBuilder AddPostgresMigrations(this IHostApplicationBuilder builder, Assembly assembly)
    {
        builder.Services.AddHostedService(sp => new Shim(sp.GetRequiredService<NpgsqlDataSource>(), assembly));
        return builder;
    }

    private sealed class Shim(NpgsqlDataSource ds, Assembly assembly) : IHostedLifecycleService
    {
        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            await using var c = await ds.OpenConnectionAsync(cancellationToken);
            await using (var l = new NpgsqlCommand("SELECT pg_advisory_lock(42); CREATE TABLE IF NOT EXISTS shim_migrations(v int primary key)", c)) await l.ExecuteNonQueryAsync(cancellationToken);
            await using var check = new NpgsqlCommand("SELECT count(*) FROM shim_migrations", c);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql")).Order())
                {
                    using var r = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    await using var m = new NpgsqlCommand(await r.ReadToEndAsync(cancellationToken), c);
                    await m.ExecuteNonQueryAsync(cancellationToken);
                }
                await using var done = new NpgsqlCommand("INSERT INTO shim_migrations VALUES (1)", c);
                await done.ExecuteNonQueryAsync(cancellationToken);
            }
            await using var u = new NpgsqlCommand("SELECT pg_advisory_unlock(42)", c);
            await u.ExecuteNonQueryAsync(cancellationToken);
        }
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
