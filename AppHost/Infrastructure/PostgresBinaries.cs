using System.Diagnostics;

namespace AppHost.Infrastructure;

/// <summary>Finds the folder holding initdb, pg_ctl and postgres on this machine.</summary>
public static class PostgresBinaries
{
    private static readonly string[] Required = ["initdb", "pg_ctl", "postgres"];

    /// <summary>
    /// In order: <paramref name="explicitDirectory"/>, $POSTGRES_BINDIR, <c>pg_config --bindir</c>, the newest
    /// <c>/usr/lib/postgresql/*/bin</c>, then PATH. Throws with the install command when none has them.
    /// </summary>
    public static string Find(string? explicitDirectory = null)
    {
        var looked = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return HasAll(explicitDirectory) ? explicitDirectory : throw Missing([explicitDirectory]);
        }
        foreach (var candidate in Candidates())
        {
            looked.Add(candidate);
            if (HasAll(candidate))
            {
                return candidate;
            }
        }
        throw Missing(looked);
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("POSTGRES_BINDIR") is { Length: > 0 } fromEnvironment)
        {
            yield return fromEnvironment;
        }
        if (PgConfigBinDir() is { } fromPgConfig)
        {
            yield return fromPgConfig;
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var versions = Directory.GetDirectories(debianRoot)
                .Select(path => (Path: path, Version: decimal.TryParse(System.IO.Path.GetFileName(path), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
                .OrderByDescending(v => v.Version);
            foreach (var (path, _) in versions)
            {
                yield return System.IO.Path.Combine(path, "bin");
            }
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }
    }

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config is not installed (it comes with libpq-dev / postgresql)
        }
    }

    private static bool HasAll(string directory) =>
        Required.All(name => File.Exists(Path.Combine(directory, name)));

    private static InvalidOperationException Missing(IEnumerable<string> looked) =>
        new("PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found " +
            $"(looked in: {string.Join(", ", looked.Distinct().Take(12))}). " +
            "Install them with `apt-get install postgresql` (Debian/Ubuntu), or set POSTGRES_BINDIR to the folder that holds them.");
}
