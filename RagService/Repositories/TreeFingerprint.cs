namespace RagService.Repositories;

/// <summary>
/// A cheap signature of a git working tree's state: the HEAD commit and the git index's modification time
/// (both change on checkout, commit, pull, add). Null outside git; then only the refresh interval applies.
/// </summary>
public static class TreeFingerprint
{
    public static string? Compute(string root)
    {
        try
        {
            var gitDir = Path.Combine(root, ".git");
            if (File.Exists(gitDir))
            {
                // Worktrees and submodules: ".git" is a file "gitdir: <path>".
                var pointer = File.ReadAllText(gitDir).Trim();
                if (!pointer.StartsWith("gitdir:", StringComparison.Ordinal)) return null;
                gitDir = Path.GetFullPath(Path.Combine(root, pointer["gitdir:".Length..].Trim()));
            }
            if (!Directory.Exists(gitDir)) return null;
            var head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            var commit = head;
            if (head.StartsWith("ref:", StringComparison.Ordinal))
            {
                var reference = head[4..].Trim();
                var refFile = Path.Combine(gitDir, reference.Replace('/', Path.DirectorySeparatorChar));
                var commonDir = CommonDir(gitDir);
                var commonRef = Path.Combine(commonDir, reference.Replace('/', Path.DirectorySeparatorChar));
                commit = File.Exists(refFile) ? File.ReadAllText(refFile).Trim()
                    : File.Exists(commonRef) ? File.ReadAllText(commonRef).Trim()
                    : PackedRef(commonDir, reference) ?? reference;
            }
            var index = Path.Combine(gitDir, "index");
            var indexTicks = File.Exists(index) ? File.GetLastWriteTimeUtc(index).Ticks : 0;
            return $"{commit}:{indexTicks}";
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string CommonDir(string gitDir)
    {
        var file = Path.Combine(gitDir, "commondir");
        return File.Exists(file) ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(file).Trim())) : gitDir;
    }

    private static string? PackedRef(string gitDir, string reference)
    {
        var packed = Path.Combine(gitDir, "packed-refs");
        if (!File.Exists(packed)) return null;
        foreach (var line in File.ReadLines(packed))
        {
            if (line.EndsWith(" " + reference, StringComparison.Ordinal)) return line[..line.IndexOf(' ')];
        }
        return null;
    }
}
