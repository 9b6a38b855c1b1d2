using Microsoft.Extensions.DependencyInjection;
using RagService.Hosting;
using RagService.Search;
using ServiceDefaults;
using Tests.Infrastructure;

namespace Tests.Rag;

/// <summary>RagService's gRPC surface on a real Kestrel (HTTP/2 h2c, free port), wired as its Program wires it.</summary>
public static class RagServiceHost
{
    public static Task<KestrelTestHost> StartAsync(string workspaceRoot, string? databaseConnectionString = null,
        IEmbedder? embedder = null, string refreshInterval = "00:05:00")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Rag:WorkspaceRoots:0"] = workspaceRoot,
            ["Rag:RefreshInterval"] = refreshInterval,
        };
        if (databaseConnectionString is not null) settings["ConnectionStrings:ragdb"] = databaseConnectionString;
        return KestrelTestHost.StartAsync("RagService", builder =>
        {
            builder.AddServiceDefaults();
            builder.AddRagService();
            if (embedder is not null) builder.Services.AddSingleton(embedder);
        }, app => app.MapRagService(), settings, Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
    }
}

/// <summary>Counts embedded texts, to tell whether chunks were re-embedded.</summary>
public sealed class CountingEmbedder(IEmbedder inner) : IEmbedder
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public string ModelId => inner.ModelId;

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref count, texts.Count);
        return inner.EmbedAsync(texts, cancellationToken);
    }

    public Task<float[]> EmbedQueryAsync(string query, Func<string, double>? termWeight, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref count);
        return inner.EmbedQueryAsync(query, termWeight, cancellationToken);
    }
}
