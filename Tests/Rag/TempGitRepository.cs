using System.Diagnostics;

namespace Tests.Rag;

/// <summary>An empty git repository in its own temp folder, with helpers to write files and commit (fixed author and dates).</summary>
public sealed class TempGitRepository : IDisposable
{
    private int commits;

    public TempGitRepository()
    {
        Root = Directory.CreateTempSubdirectory("rag-git-").FullName;
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "dev@example.com");
        Git("config", "user.name", "Dev");
        Git("config", "commit.gpgsign", "false");
    }

    public string Root { get; }

    public void Write(string path, string content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Stages everything and commits; returns the commit id.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        // Distinct, increasing dates: the log's order is then the order of the calls.
        var date = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(++commits).ToString("yyyy-MM-ddTHH:mm:ssZ");
        Git(new Dictionary<string, string> { ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date }, "commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args) => Git(new Dictionary<string, string>(), args);

    private string Git(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("git " + string.Join(' ', args) + " failed: " + process.StandardError.ReadToEnd());
        return output;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
