namespace RagService.Repositories;

/// <summary>Normalises repository-relative paths from plans: '/' separators, no "." segments, no empty segments.</summary>
public static class RepositoryPaths
{
    public const int MaxPathLength = 1024;

    /// <summary>The normalised relative path, or null when the path is empty, absolute, escapes the repository ("..") or is malformed.</summary>
    public static string? Normalize(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Length > MaxPathLength) return null;
        var p = path.Trim().Replace('\\', '/');
        if (p.Contains('\0') || p.StartsWith('/') || p.StartsWith('~') || (p.Length >= 2 && p[1] == ':')) return null;
        var segments = new List<string>();
        foreach (var segment in p.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..") return null;
            segments.Add(segment);
        }
        return segments.Count == 0 ? null : string.Join('/', segments);
    }
}
