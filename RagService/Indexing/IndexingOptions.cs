namespace RagService.Indexing;

/// <summary>Which files are indexed.</summary>
public sealed record IndexingOptions
{
    /// <summary>Files larger than this are skipped: generated code, data and bundles, rarely what a change is about.</summary>
    public long MaxFileBytes { get; init; } = 512 * 1024;

    /// <summary>Folder names skipped wherever they appear (build output, dependencies, tool state).</summary>
    public IReadOnlySet<string> ExcludedDirectories { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".git", ".hg", ".svn", "bin", "obj", "node_modules", "vendor", "dist", "build", "out", "target",
        "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache", ".idea", ".vs", ".vscode",
        ".gradle", "coverage", ".next", ".nuxt", "packages", "TestResults", "artifacts", "third_party",
    };

    /// <summary>File names skipped: lock files and minified bundles are large and say nothing about intent.</summary>
    public IReadOnlySet<string> ExcludedFileNames { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock", "go.sum", "poetry.lock", "packages.lock.json",
    };

    public IReadOnlySet<string> ExcludedExtensions { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".bmp", ".webp", ".pdf", ".zip", ".gz", ".tgz", ".7z", ".jar", ".dll",
        ".exe", ".so", ".dylib", ".a", ".o", ".obj", ".pdb", ".class", ".pyc", ".woff", ".woff2", ".ttf", ".eot",
        ".mp3", ".mp4", ".mov", ".snk", ".pfx", ".keystore", ".lock", ".map", ".svg",
    };

    public ChunkingOptions Chunking { get; init; } = ChunkingOptions.Default;

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
