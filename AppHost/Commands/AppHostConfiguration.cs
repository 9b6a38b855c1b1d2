using System.Security.Cryptography;
using System.Text;
using AppHost.Hosting;
using AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AppHost.Commands;

/// <summary>AppHost settings: its appsettings.json, then environment variables (Aspire's names).</summary>
public static class AppHostConfiguration
{
    public static IConfiguration Load() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    /// <summary>
    /// <c>AppHost:DataDirectory</c>, by default <c>.data/</c> at the repository root (git-ignored). As root, when the
    /// checkout lies where the local Postgres's user cannot reach (under /root, say), the default moves to
    /// <c>/var/lib/change-request-pipeline/</c>, one folder per checkout.
    /// </summary>
    public static string DataDirectory(IConfiguration configuration)
    {
        if (configuration["AppHost:DataDirectory"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        var inCheckout = Path.Combine(ServiceAssemblies.RepositoryRoot, ".data");
        if (LocalPostgres.CanHostIn(inCheckout)) return inCheckout;
        var checkout = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ServiceAssemblies.RepositoryRoot)))[..12];
        return Path.Combine("/var/lib/change-request-pipeline", checkout);
    }

    /// <summary><c>AppHost:WorkspaceRoots</c>, by default the folder that holds this repository.</summary>
    public static IReadOnlyList<string> WorkspaceRoots(IConfiguration configuration)
    {
        var roots = configuration.GetSection("AppHost:WorkspaceRoots").Get<string[]>();
        return roots is { Length: > 0 }
            ? roots.Select(Path.GetFullPath).ToArray()
            : [Path.GetDirectoryName(ServiceAssemblies.RepositoryRoot)!];
    }
}
