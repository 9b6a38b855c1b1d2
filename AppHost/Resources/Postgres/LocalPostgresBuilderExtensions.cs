using AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Resources.Postgres;

public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// The installed PostgreSQL server as an executable resource: its data kept in <paramref name="dataRoot"/>
    /// (initialised on first start, with a generated superuser password kept beside it and shown as a secret
    /// parameter), listening on 127.0.0.1 behind the endpoint Aspire allocates; its log on the dashboard.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, string dataRoot)
    {
        var binDirectory = PostgresBinaries.Find();
        var password = builder.AddParameter($"{name}-password",
            () => LocalPostgres.PasswordAsync(dataRoot).GetAwaiter().GetResult(), secret: true);
        var runAsRoot = Environment.IsPrivilegedProcess;
        var server = new LocalPostgresServerResource(name, runAsRoot ? "setpriv" : Path.Combine(binDirectory, "postgres"), dataRoot, password.Resource);
        PreparedPostgres? prepared = null;

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            logger.LogInformation("Preparing the PostgreSQL data directory {DataRoot}", dataRoot);
            prepared = await LocalPostgres.PrepareAsync(dataRoot, binDirectory, throwaway: false, cancellationToken);
        });
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, cancellationToken) =>
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
            await PostgresDatabases.CreateMissingAsync(connectionString!, server.Databases.Values, cancellationToken);
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in builder.Resources.OfType<LocalPostgresDatabaseResource>().Where(d => d.Parent == server))
                await notifications.PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => server.ConnectionStringExpression.GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() + ";Database=postgres",
            name: healthCheck);

        return builder.AddResource(server)
            .WithEndpoint(LocalPostgresServerResource.PrimaryEndpointName, e =>
            {
                e.UriScheme = "tcp";
                e.Transport = "tcp";
            }, createIfNotExists: true)
            .WithArgs(context =>
            {
                var port = server.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                var socketDirectory = prepared?.SocketDirectory ?? Path.Combine(dataRoot, "sockets");
                object[] postgresArguments =
                [
                    "-D", Path.Combine(dataRoot, "data"), "-p", port, "-c", "listen_addresses=127.0.0.1",
                    "-c", $"unix_socket_directories={socketDirectory}", "-c", "max_connections=300",
                ];
                if (runAsRoot)
                {
                    var user = prepared?.Runner.RunAsUser ?? "postgres";
                    foreach (var argument in new[] { $"--reuid={user}", $"--regid={user}", "--init-groups", "--", Path.Combine(binDirectory, "postgres") })
                        context.Args.Add(argument);
                }
                foreach (var argument in postgresArguments) context.Args.Add(argument);
            })
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheck)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgreSQL (installed server)",
                Properties = [new("Data", Path.Combine(dataRoot, "data")), new("Binaries", binDirectory)],
            })
            .ExcludeFromManifest();
    }

    /// <summary>A database created on the server once it is ready; healthy when it accepts connections.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        server.Resource.Databases[name] = name;
        var healthCheck = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => database.ConnectionStringExpression.GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()!,
            name: healthCheck);
        return server.ApplicationBuilder.AddResource(database)
            .WithHealthCheck(healthCheck)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgreSQL database", State = KnownResourceStates.Waiting, Properties = [] })
            .ExcludeFromManifest();
    }
}
