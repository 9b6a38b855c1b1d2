namespace RagService.Indexing;

/// <summary>
/// A path with every symbolic link along it resolved, as realpath(3) gives it, so a file can be judged by where
/// its bytes really are: <c>passwd_link.txt -> /etc/passwd</c> inside a repository is outside it.
/// </summary>
public static class RealPath
{
    /// <summary>Linux's limit on links followed while resolving one path (ELOOP beyond it).</summary>
    private const int MaxLinks = 40;

    /// <summary>The real path of <paramref name="fullPath"/>; null when a link dangles or loops.</summary>
    public static string? Resolve(string fullPath)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(fullPath), ref links);
    }

    /// <summary>True when <paramref name="realPath"/> is <paramref name="realRoot"/> or below it.</summary>
    public static bool IsUnder(string realPath, string realRoot) =>
        realPath == realRoot || realPath.StartsWith(Path.EndsInDirectorySeparator(realRoot) ? realRoot : realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string? Resolve(string fullPath, ref int links)
    {
        var current = Path.GetPathRoot(fullPath)!;
        foreach (var part in fullPath[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) return null;
            // A relative target is relative to the folder holding the link, which is already real here.
            var resolved = Resolve(Path.GetFullPath(target, current), ref links);
            if (resolved is null) return null;
            current = resolved;
        }
        return current;
    }
}
