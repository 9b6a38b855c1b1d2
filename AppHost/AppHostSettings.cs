using System.Security.Cryptography;
using System.Text;
using AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AppHost;

/// <summary>The AppHost's own settings (<c>AppHost:*</c> in its appsettings.json, environment or command line).</summary>
public sealed record AppHostSettings(string RepositoryRoot, string DataDirectory, IReadOnlyList<string> WorkspaceRoots, int WebPort, bool Qdrant,
    int OrchestratorReplicas)
{
    public const int DefaultWebPort = 5180;

    public static AppHostSettings Read(IDistributedApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var roots = configuration.GetSection("AppHost:WorkspaceRoots").Get<string[]>();
        return new AppHostSettings(
            repositoryRoot,
            DataDirectoryOf(configuration, repositoryRoot),
            roots is { Length: > 0 } ? roots.Select(Path.GetFullPath).ToArray() : [Path.GetDirectoryName(repositoryRoot)!],
            configuration.GetValue("AppHost:WebPort", DefaultWebPort),
            configuration.GetValue("AppHost:Qdrant", builder.ExecutionContext.IsPublishMode) || configuration.GetConnectionString("qdrant") is { Length: > 0 },
            ReplicasOf(configuration, "AppHost:OrchestratorReplicas"));
    }

    private static int ReplicasOf(IConfiguration configuration, string key) => configuration.GetValue(key, 1) switch
    {
        >= 1 and var replicas => replicas,
        var replicas => throw new InvalidOperationException($"{key} is {replicas}: give 1 or more replicas."),
    };

    /// <summary>
    /// <c>AppHost:DataDirectory</c>, by default <c>.data/</c> at the repository root (git-ignored). As root, when the
    /// checkout lies where the local Postgres's user cannot reach (under /root, say), the default moves to
    /// <c>/var/lib/change-request-pipeline/</c>, one folder per checkout.
    /// </summary>
    private static string DataDirectoryOf(IConfiguration configuration, string repositoryRoot)
    {
        if (configuration["AppHost:DataDirectory"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        var inCheckout = Path.Combine(repositoryRoot, ".data");
        if (LocalPostgres.CanHostIn(inCheckout)) return inCheckout;
        var checkout = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repositoryRoot)))[..12];
        return Path.Combine("/var/lib/change-request-pipeline", checkout);
    }
}
