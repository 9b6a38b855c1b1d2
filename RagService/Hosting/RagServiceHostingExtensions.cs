using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Qdrant.Client;
using RagService.Grpc;
using RagService.Indexing;
using RagService.Repositories;
using RagService.Search;
using RagService.Storage;
using ServiceDefaults.Grpc;
using ServiceDefaults.Postgres;

namespace RagService.Hosting;

public static class RagServiceHostingExtensions
{
    public const string DatabaseConnectionName = "ragdb";

    /// <summary>
    /// The engine and its storage: Postgres (<c>ConnectionStrings:ragdb</c>, migrated at start) when configured,
    /// otherwise in memory; Qdrant (Qdrant.Client, gRPC) when <c>ConnectionStrings:qdrant</c> is set, otherwise the in-process
    /// quantised vector index; OpenAI embeddings when <c>OpenAI:ApiKey</c> and <c>OpenAI:EmbeddingModel</c> are set,
    /// otherwise the local hashing embedder.
    /// </summary>
    public static IHostApplicationBuilder AddRagService(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RagOptions>().Bind(builder.Configuration.GetSection(RagOptions.Section));
        var rag = builder.Configuration.GetSection(RagOptions.Section).Get<RagOptions>() ?? new RagOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new WorkspaceRoots(rag.WorkspaceRoots));
        services.AddSingleton<RepositoryInspector>();
        services.AddSingleton<IEmbedder>(_ => EmbedderFactory.Create(builder.Configuration));
        services.AddSingleton(sp => new RepositoryIndexer(sp.GetRequiredService<IEmbedder>(), IndexingOptions.Default with { MaxFileBytes = rag.MaxFileBytes, History = rag.History },
            sp.GetRequiredService<ILogger<RepositoryIndexer>>()));
        services.AddSingleton(rag.Ranking);
        services.AddSingleton<HybridSearcher>();
        services.AddSingleton<RagMetrics>();
        services.AddSingleton<RepositoryCatalog>();

        if (builder.Configuration.GetConnectionString(QdrantConnection.ConnectionName) is { Length: > 0 } qdrant)
        {
            var connection = QdrantConnection.Parse(qdrant);
            services.AddSingleton(sp => new QdrantClient(connection.Endpoint, connection.ApiKey, loggerFactory: sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<IVectorIndexFactory, QdrantVectorIndexFactory>();
        }
        else
        {
            services.AddSingleton<IVectorIndexFactory, QuantizedVectorIndexFactory>();
        }

        if (builder.Configuration.GetConnectionString(DatabaseConnectionName) is { Length: > 0 })
        {
            builder.AddNpgsqlDataSource(DatabaseConnectionName);
            builder.AddPostgresMigrations(typeof(RagServiceHostingExtensions).Assembly, DatabaseConnectionName);
            services.AddSingleton<IRepositoryStore>(sp => new PostgresRepositoryStore(sp.GetRequiredKeyedService<NpgsqlDataSource>(DatabaseConnectionName)));
        }
        else
        {
            services.AddSingleton<IRepositoryStore, InMemoryRepositoryStore>();
        }
        services.AddHostedService<RagIndexLoader>();

        builder.AddGrpcServer(Contracts.Rag.Rag.Descriptor);
        services.Configure<GrpcErrorOptions>(RagGrpcErrors.Map);
        return builder;
    }

    public static WebApplication MapRagService(this WebApplication app)
    {
        app.MapGrpcService<RagGrpcService>();
        app.MapGrpcDefaults();
        return app;
    }
}
