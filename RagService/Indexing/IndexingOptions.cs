using RagService.History;

namespace RagService.Indexing;

/// <summary>Which files are indexed.</summary>
public sealed record IndexingOptions
{
    /// <summary>Files larger than this are skipped: generated code, data and bundles, rarely what a change is about.</summary>
    public long MaxFileBytes { get; init; } = 512 * 1024;

    /// <summary>
    /// Folder names skipped wherever they appear: build output, installed dependencies, vendored code, tool state.
    /// Deliberately short: names like "build", "packages" or "out" hold real sources in many repositories
    /// (monorepos, build scripts), and git's ignore rules already drop what a repository does not track.
    /// </summary>
    public IReadOnlySet<string> ExcludedDirectories { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".git", ".hg", ".svn", "bin", "obj", "node_modules", "vendor", "dist", "__pycache__", ".venv", "venv",
        ".tox", ".mypy_cache", ".pytest_cache", ".idea", ".vs", ".gradle", ".next", ".nuxt", "TestResults",
    };

    /// <summary>
    /// File names skipped. Lock files are not here: dependency bumps change them, and when they fit the size
    /// limit a search for the dependency should find them.
    /// </summary>
    public IReadOnlySet<string> ExcludedFileNames { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".DS_Store", "Thumbs.db",
    };

    public IReadOnlySet<string> ExcludedExtensions { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".bmp", ".webp", ".pdf", ".zip", ".gz", ".tgz", ".7z", ".jar", ".dll",
        ".exe", ".so", ".dylib", ".a", ".o", ".obj", ".pdb", ".class", ".pyc", ".woff", ".woff2", ".ttf", ".eot",
        ".mp3", ".mp4", ".mov", ".snk", ".pfx", ".keystore", ".map", ".svg", ".nupkg", ".whl", ".bin", ".dat",
    };

    public ChunkingOptions Chunking { get; init; } = ChunkingOptions.Default;

    /// <summary>How the git history of a checkout is read for ranking.</summary>
    public HistoryOptions History { get; init; } = HistoryOptions.Default;

    public static IndexingOptions Default { get; } = new();

    public bool IsExcludedPath(string relativePath)
    {
        var segments = relativePath.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (ExcludedDirectories.Contains(segments[i])) return true;
        }
        var name = segments[^1];
        if (ExcludedFileNames.Contains(name)) return true;
        if (name.EndsWith(".min.js", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".min.css", StringComparison.OrdinalIgnoreCase)) return true;
        return ExcludedExtensions.Contains(Path.GetExtension(name));
    }
}
