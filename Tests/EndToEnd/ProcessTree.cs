namespace Tests.EndToEnd;

/// <summary>Linux process listing from /proc, to check what a process left behind.</summary>
public static class ProcessTree
{
    /// <summary>Live processes descending from <paramref name="root"/>, plus any whose command line mentions <paramref name="marker"/>.</summary>
    public static IReadOnlySet<int> Find(int root, string? marker = null)
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
                if (marker is not null && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) found.Add(pid);
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

    /// <summary>
    /// The processes of one AppHost run: its descendants, DCP (which watches the AppHost with <c>--monitor PID</c> rather
    /// than running below it, and its controllers watch it the same way), and every process whose command line or
    /// environment mentions one of <paramref name="markers"/> (a data folder, an endpoint of this run).
    /// </summary>
    public static IReadOnlySet<int> FindRun(int appHost, params string[] markers)
    {
        var found = new HashSet<int>(Find(appHost));
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == appHost) continue;
            var text = Read(Path.Combine(dir, "cmdline")) + "\0" + Read(Path.Combine(dir, "environ"));
            if (markers.Any(m => text.Contains(m, StringComparison.Ordinal))) found.Add(pid);
        }
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid) || found.Contains(pid) || pid == appHost) continue;
                var cmdline = Read(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (found.Append(appHost).Any(watched => cmdline.Contains($"--monitor {watched} ", StringComparison.Ordinal)))
                {
                    found.Add(pid);
                    foreach (var child in Find(pid)) found.Add(child);
                    grew = true;
                }
            }
        }
        return found.Where(IsAlive).ToHashSet();
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>SIGKILL, as a crash would.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // already gone
        }
        catch (InvalidOperationException)
        {
        }
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
