using AppHost.Hosting;
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

    /// <summary><c>AppHost:DataDirectory</c>, by default <c>.data/</c> at the repository root (git-ignored).</summary>
    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["AppHost:DataDirectory"] ?? Path.Combine(ServiceAssemblies.RepositoryRoot, ".data"));

    /// <summary><c>AppHost:WorkspaceRoots</c>, by default the folder that holds this repository.</summary>
    public static IReadOnlyList<string> WorkspaceRoots(IConfiguration configuration)
    {
        var roots = configuration.GetSection("AppHost:WorkspaceRoots").Get<string[]>();
        return roots is { Length: > 0 }
            ? roots.Select(Path.GetFullPath).ToArray()
            : [Path.GetDirectoryName(ServiceAssemblies.RepositoryRoot)!];
    }
}
