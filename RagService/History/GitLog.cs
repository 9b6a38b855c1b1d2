using System.Globalization;

namespace RagService.History;

/// <summary>
/// Reads commits with one <c>git log --no-merges -M --name-status</c> (merge commits left out, renames detected),
/// paths relative to the folder it runs in (<c>--relative</c>, so a subfolder of a repository sees its own paths).
/// </summary>
public static class GitLog
{
    private const char RecordSeparator = '\x1e';
    private const char FieldSeparator = '\x1f';

    /// <summary>The commit <paramref name="revision"/> names, or null outside git (or for an unborn branch).</summary>
    public static async Task<string?> ResolveAsync(string folder, string revision, CancellationToken cancellationToken) =>
        (await Git.RunAsync(folder, cancellationToken, "rev-parse", "--verify", "--quiet", revision + "^{commit}").ConfigureAwait(false))?.Trim() is { Length: > 0 } hash ? hash : null;

    public static async Task<bool> IsAncestorAsync(string folder, string ancestor, string descendant, CancellationToken cancellationToken) =>
        await Git.RunAsync(folder, cancellationToken, "merge-base", "--is-ancestor", ancestor, descendant).ConfigureAwait(false) is not null;

    /// <summary>
    /// Commits reachable from <paramref name="head"/> and not from <paramref name="exclude"/> (when given), newest first,
    /// at most <paramref name="maxCommits"/>. Null when git cannot answer.
    /// </summary>
    public static async Task<List<GitCommit>?> ReadAsync(string folder, string head, string? exclude, int maxCommits, CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            "log", "--no-merges", "-M", "--name-status", "-z", "--relative",
            $"--max-count={maxCommits.ToString(CultureInfo.InvariantCulture)}",
            $"--format={RecordSeparator}%H{FieldSeparator}%ct{FieldSeparator}%B{FieldSeparator}",
            exclude is null ? head : $"{exclude}..{head}",
            "--",
        };
        var output = await Git.RunAsync(folder, arguments, cancellationToken).ConfigureAwait(false);
        return output is null ? null : Parse(output);
    }

    /// <summary>Parses the <c>-z</c> output of <see cref="ReadAsync"/>'s format.</summary>
    internal static List<GitCommit> Parse(string output)
    {
        var commits = new List<GitCommit>();
        foreach (var record in output.Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var first = record.IndexOf(FieldSeparator);
            var second = first < 0 ? -1 : record.IndexOf(FieldSeparator, first + 1);
            var last = record.LastIndexOf(FieldSeparator);
            if (first < 0 || second < 0 || last <= second) continue;
            var hash = record[..first];
            if (!long.TryParse(record.AsSpan(first + 1, second - first - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var time)) continue;
            var message = record[(second + 1)..last].Trim();
            var tokens = record[(last + 1)..].Split('\0');
            var changes = new List<GitFileChange>();
            for (var i = 0; i < tokens.Length; i++)
            {
                var status = tokens[i].Trim();
                if (status.Length == 0) continue;
                var letter = status[0];
                if (letter is 'R' or 'C')
                {
                    if (i + 2 >= tokens.Length) break;
                    changes.Add(new GitFileChange(letter, tokens[i + 2], tokens[i + 1]));
                    i += 2;
                }
                else
                {
                    if (i + 1 >= tokens.Length) break;
                    changes.Add(new GitFileChange(letter, tokens[i + 1]));
                    i += 1;
                }
            }
            commits.Add(new GitCommit(hash, time, message, changes));
        }
        return commits;
    }
}
