namespace Tests.EndToEnd;

/// <summary>Linux process listing from /proc, to check what a process left behind.</summary>
public static class ProcessTree
{
    /// <summary>Live processes descending from <paramref name="root"/>, plus any whose command line mentions <paramref name="marker"/>.</summary>
    public static IReadOnlySet<int> Find(int root, string marker)
    {
        var parents = new Dictionary<int, int>();
        var found = new HashSet<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the parenthesised command: state, ppid, ...
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z") continue;   // a zombie is already gone
                parents[pid] = int.Parse(fields[1]);
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException)
            {
                // exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        foreach (var pid in parents.Keys)
        {
            for (var p = pid; parents.TryGetValue(p, out var parent) && p > 1; p = parent)
            {
                if (parent != root) continue;
                found.Add(pid);
                break;
            }
        }
        found.Remove(root);
        return found;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
