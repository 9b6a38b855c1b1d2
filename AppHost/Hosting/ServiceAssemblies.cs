using System.Reflection;

namespace AppHost.Hosting;

/// <summary>
/// Where the service projects' builds are. AppHost.csproj references each service project (as Aspire's
/// AppHost does), so building AppHost builds them, and records their folders as assembly metadata.
/// </summary>
public static class ServiceAssemblies
{
    private static readonly Dictionary<string, string> Metadata = typeof(ServiceAssemblies).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(a => a.Value is not null)
        .ToDictionary(a => a.Key, a => a.Value!);

    public static string RepositoryRoot => Path.GetFullPath(Metadata["RepositoryRoot"]);

    public static string PathOf(string project)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Metadata["Configuration"], Metadata["TargetFramework"], project + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{project} is not built at {path}; run 'dotnet build AppHost' first.", path);
    }
}
