using Microsoft.Extensions.Configuration;

namespace AppHost.Resources.Postgres;

/// <summary>Where the pipeline's databases live: a server resource of one of three kinds, and the databases on it.</summary>
public sealed class PipelinePostgres
{
    private readonly IDistributedApplicationBuilder _builder;
    private readonly Func<string, IResourceBuilder<IResourceWithConnectionString>> _addDatabase;

    private PipelinePostgres(IDistributedApplicationBuilder builder, Func<string, IResourceBuilder<IResourceWithConnectionString>> addDatabase)
    {
        _builder = builder;
        _addDatabase = addDatabase;
    }

    /// <summary>
    /// <c>ConnectionStrings:{name}</c> when given (a server the AppHost creates the databases on before anything starts);
    /// else the installed server with its data under <paramref name="dataDirectory"/> (<see cref="InfrastructureMode.Local"/>)
    /// or Aspire.Hosting.PostgreSQL's container.
    /// </summary>
    public static PipelinePostgres Add(IDistributedApplicationBuilder builder, string name, InfrastructureMode mode, string dataDirectory)
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 } server)
        {
            List<string> databases = [];
            builder.Eventing.Subscribe<BeforeStartEvent>((_, cancellationToken) => PostgresDatabases.CreateMissingAsync(server, databases, cancellationToken));
            return new PipelinePostgres(builder, database =>
            {
                databases.Add(database);
                var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
                return builder.AddConnectionString(database, ReferenceExpression.Create($"{connectionString}"));
            });
        }
        if (mode == InfrastructureMode.Local)
        {
            var local = builder.AddLocalPostgres(name, Path.Combine(dataDirectory, name));
            return new PipelinePostgres(builder, database => local.AddDatabase(database));
        }
        var container = builder.AddPostgres(name).WithDataVolume();
        return new PipelinePostgres(builder, database => container.AddDatabase(database));
    }

    /// <summary>The database <paramref name="name"/>; <c>ConnectionStrings:{name}</c>, when given, wins over the server's.</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string name) =>
        _builder.Configuration.GetConnectionString(name) is { Length: > 0 } ? _builder.AddConnectionString(name) : _addDatabase(name);
}
