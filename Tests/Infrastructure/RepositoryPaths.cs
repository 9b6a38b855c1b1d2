using System.Reflection;

namespace Tests.Infrastructure;

/// <summary>Where the repository and the AppHost's build are (recorded by Tests.csproj at build time).</summary>
public static class RepositoryPaths
{
    private static readonly Dictionary<string, string> Metadata = typeof(RepositoryPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(a => a.Value is not null)
        .ToDictionary(a => a.Key, a => a.Value!);

    public static string RepositoryRoot => Path.GetFullPath(Metadata["RepositoryRoot"]);

    /// <summary>The AppHost as <c>dotnet run --project AppHost</c> runs it, built with the tests.</summary>
    public static string AppHostAssembly =>
        Path.Combine(RepositoryRoot, "AppHost", "bin", Metadata["Configuration"], Metadata["TargetFramework"], "AppHost.dll");
}
