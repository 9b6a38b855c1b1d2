using System.Text;
using System.Text.RegularExpressions;

namespace RagService.Indexing;

/// <summary>
/// The common subset of .gitignore for the fallback walker (no git, or not a repository): comments, blank lines,
/// <c>!</c> negation, trailing <c>/</c> for folders only, patterns with a slash anchored to the .gitignore's
/// folder, <c>*</c>, <c>?</c>, <c>**</c>, character classes. The last matching rule wins; nested .gitignore files
/// add rules for their folder.
/// </summary>
public sealed class GitIgnoreRules
{
    private readonly List<Rule> rules = [];

    public void AddFile(string baseDirectory, string content)
    {
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            line = line.TrimEnd(' ');
            var negate = line.StartsWith('!');
            if (negate) line = line[1..];
            if (line.StartsWith("\\#", StringComparison.Ordinal) || line.StartsWith("\\!", StringComparison.Ordinal)) line = line[1..];
            var directoryOnly = line.EndsWith('/');
            line = line.TrimEnd('/');
            if (line.Length == 0) continue;
            var anchored = line.Contains('/');
            line = line.TrimStart('/');
            var pattern = (anchored ? "^" : "(?:^|/)") + GlobToRegex(line) + "$";
            rules.Add(new Rule(baseDirectory, new Regex(pattern, RegexOptions.CultureInvariant), negate, directoryOnly));
        }
    }

    /// <param name="relativePath">Path relative to the repository root, '/'-separated.</param>
    public bool IsIgnored(string relativePath, bool isDirectory)
    {
        var ignored = false;
        foreach (var rule in rules)
        {
            if (rule.DirectoryOnly && !isDirectory) continue;
            string local;
            if (rule.BaseDirectory.Length == 0) local = relativePath;
            else if (relativePath.StartsWith(rule.BaseDirectory + "/", StringComparison.Ordinal)) local = relativePath[(rule.BaseDirectory.Length + 1)..];
            else continue;
            if (rule.Regex.IsMatch(local)) ignored = !rule.Negate;
        }
        return ignored;
    }

    private static string GlobToRegex(string glob)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var followedBySlash = i + 2 < glob.Length && glob[i + 2] == '/';
                sb.Append(followedBySlash ? "(?:.*/)?" : ".*");
                i += followedBySlash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else if (c == '[')
            {
                var close = glob.IndexOf(']', i + 1);
                if (close < 0) { sb.Append(@"\["); continue; }
                var set = glob[(i + 1)..close].Replace("\\", "\\\\");
                if (set.StartsWith('!')) set = "^" + set[1..];
                sb.Append('[').Append(set).Append(']');
                i = close;
            }
            else if (c == '\\' && i + 1 < glob.Length) sb.Append(Regex.Escape(glob[++i].ToString()));
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }

    private sealed record Rule(string BaseDirectory, Regex Regex, bool Negate, bool DirectoryOnly);
}
