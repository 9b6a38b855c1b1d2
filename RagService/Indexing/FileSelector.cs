using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RagService.Indexing;

/// <summary>
/// Lists the files of a working tree that are worth indexing: what git tracks plus untracked files that are not
/// ignored (<c>git ls-files -co --exclude-standard</c>), or, without git or outside a repository, a walk that
/// honours .gitignore files. Excluded folders, names and extensions (<see cref="IndexingOptions"/>) are dropped
/// either way. A file is only ever read through its real path, and one whose real path (symbolic links resolved,
/// in the file name or in a folder above it) is outside the repository root is left out and counted.
/// Paths are repository-relative with '/' separators, sorted ordinally.
/// </summary>
public sealed class FileSelector(IndexingOptions options, ILogger? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    public async Task<FileSelection> SelectAsync(string root, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"Repository folder '{root}' does not exist; pass the path of a working tree.");
        var realRoot = RealPath.Resolve(full) ?? full;
        var listed = await TryGitLsFilesAsync(full, cancellationToken).ConfigureAwait(false);
        var candidates = (listed ?? Walk(full, cancellationToken)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var files = new List<SelectedFile>();
        int ignored = 0, outside = 0;
        foreach (var path in candidates)
        {
            if (options.IsExcludedPath(path))
            {
                ignored++;
                continue;
            }
            var real = RealPath.Resolve(Path.Combine(full, path));
            if (real is not null && !RealPath.IsUnder(real, realRoot))
            {
                outside++;
                log.LogWarning("Not indexing {Path} in {Root}: it is a symbolic link to a file outside the repository", path, full);
                continue;
            }
            if (real is not null && File.Exists(real)) files.Add(new SelectedFile(path, real));
        }
        return new FileSelection(files, ignored, outside);
    }

    private async Task<List<string>?> TryGitLsFilesAsync(string root, CancellationToken cancellationToken)
    {
        // No check for a .git folder: the root may be a subfolder of a repository, and git finds the repository
        // upwards (ls-files then lists paths relative to the root, as wanted).
        try
        {
            var start = new ProcessStartInfo("git")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard" }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start);
            if (process is null) return null;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var output = await stdout.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                log.LogInformation("Not a git working tree ({Root}: {Error}); walking the folder with .gitignore rules", root, (await stderr.ConfigureAwait(false)).Trim());
                return null;
            }
            var files = output.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
            // Nothing listed: a folder ignored by an enclosing repository, or an empty one; the walker decides.
            return files.Count > 0 ? files : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }

    private List<string> Walk(string root, CancellationToken cancellationToken)
    {
        var rules = new GitIgnoreRules();
        var result = new List<string>();
        var pending = new Stack<string>();
        pending.Push(string.Empty);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = pending.Pop();
            var directory = relative.Length == 0 ? root : Path.Combine(root, relative);
            var ignoreFile = Path.Combine(directory, ".gitignore");
            if (File.Exists(ignoreFile)) rules.AddFile(relative, File.ReadAllText(ignoreFile));
            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(directory);
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var entry in entries)
            {
                var name = Path.GetFileName(entry);
                var path = relative.Length == 0 ? name : relative + "/" + name;
                var attributes = File.GetAttributes(entry);
                var isDirectory = (attributes & FileAttributes.Directory) != 0;
                // A link is one candidate, judged by its real path, as git lists it; linked folders are not walked.
                if ((attributes & FileAttributes.ReparsePoint) != 0)
                {
                    result.Add(path);
                    continue;
                }
                if (isDirectory && options.ExcludedDirectories.Contains(name)) continue;
                if (rules.IsIgnored(path, isDirectory)) continue;
                if (isDirectory) pending.Push(path);
                else result.Add(path);
            }
        }
        return result;
    }
}
