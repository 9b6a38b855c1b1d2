using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServiceDefaults.Postgres;

public static class PostgresMigrationExtensions
{
    /// <summary>
    /// Applies the SQL migrations embedded in <paramref name="assembly"/> (<c>Migrations/NNNN_name.sql</c>) to the
    /// <see cref="NpgsqlDataSource"/> that Aspire.Npgsql's <c>AddNpgsqlDataSource</c> registered, while the host
    /// starts, before any other hosted service's StartAsync. A failure stops the host with the reason.
    /// </summary>
    public static IHostApplicationBuilder AddPostgresMigrations(this IHostApplicationBuilder builder, Assembly assembly, string folder = "Migrations")
    {
        var migrations = SqlMigrations.FromAssembly(assembly, folder);
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException(
                $"{assembly.GetName().Name} embeds no migrations under '{folder}/' (NNNN_name.sql). Embed them with <EmbeddedResource Include=\"{folder}/*.sql\" />, or name the folder they are in.");
        }
        builder.Services.AddSingleton<IHostedService>(services => new PostgresMigrationHostedService(
            services.GetRequiredService<NpgsqlDataSource>(),
            migrations,
            services.GetRequiredService<ILogger<PostgresMigrationHostedService>>()));
        return builder;
    }
}
