namespace RagService.Repositories;

/// <summary>
/// The folders the service may read. A working tree is accepted only if its full, normalised path (".."
/// resolved, symbolic links followed) lies inside one of them, so a request cannot make the service read
/// arbitrary files of the machine.
/// </summary>
public sealed class WorkspaceRoots(IEnumerable<string> roots)
{
    private readonly List<string> fullRoots = roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(Canonical).ToList();

    /// <summary>The roots, canonical (for messages that tell a caller where working trees may live).</summary>
    public IReadOnlyList<string> All => fullRoots;

    /// <summary>The canonical path of <paramref name="path"/> when it lies under a root; throws otherwise.</summary>
    public string Authorize(string path)
    {
        if (fullRoots.Count == 0)
            throw new WorkspaceAccessDeniedException("No workspace roots are configured (Rag:WorkspaceRoots), so no folder may be indexed; configure the folders that hold working trees.");
        if (!Path.IsPathFullyQualified(path))
            throw new WorkspaceAccessDeniedException($"The path '{path}' is not absolute; give the full path of a working tree under a workspace root.");
        var full = Canonical(path);
        foreach (var root in fullRoots)
        {
            if (full == root || full.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                return full;
        }
        throw new WorkspaceAccessDeniedException($"The path '{path}' is outside the configured workspace roots; only working trees under them may be indexed.");
    }

    /// <summary>Full path with every symbolic link along it resolved (like realpath), without a trailing separator.</summary>
    public static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            try
            {
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                    next = Path.GetFullPath(target.FullName);
            }
            catch (IOException)
            {
                // Unresolvable link: keep the literal path; it will not be found.
            }
            current = next;
        }
        return current.Length > root.Length ? current.TrimEnd(Path.DirectorySeparatorChar) : current;
    }
}
