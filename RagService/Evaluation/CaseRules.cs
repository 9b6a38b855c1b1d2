using System.Text.RegularExpressions;
using RagService.History;
using RagService.Indexing;
using RagService.Search;

namespace RagService.Evaluation;

/// <summary>
/// The rules that turn a commit into a retrieval case, as commit-history benchmarks apply them: the query is the
/// subject and the first paragraph of the body, with the changed files' names removed; the gold files are the non-test
/// source files the commit changed that exist in its parent, and there must be one to four of them.
/// </summary>
public static partial class CaseRules
{
    public const int MinGold = 1;
    public const int MaxGold = 4;

    /// <summary>A commit that touched more files than this is a sweep (formatting, renames), not a change request.</summary>
    public const int MaxChangedFiles = 20;

    /// <summary>Fewer words than this left in the query: nothing to retrieve with ("fix typo", "wip").</summary>
    public const int MinQueryWords = 3;

    private static readonly HashSet<string> SourceExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".py", ".go", ".rs", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".cs", ".fs", ".java", ".kt", ".scala",
        ".rb", ".php", ".c", ".h", ".cc", ".cpp", ".hpp", ".swift",
    };

    public static bool IsSource(string path) =>
        SourceExtensions.Contains(Path.GetExtension(path)) && !TestFiles.IsTest(path) && !IndexingOptions.Default.IsExcludedPath(path);

    /// <summary>The gold files of a commit, or an empty list when the commit is not a case.</summary>
    public static List<string> Gold(IReadOnlyList<GitFileChange> changes, IReadOnlySet<string> parentFiles)
    {
        if (changes.Count is 0 or > MaxChangedFiles) return [];
        var gold = changes
            .Where(c => c.Status != 'A' && c.Status != 'C')
            .Select(c => c.OldPath ?? c.Path) // a renamed file is found under its name in the parent
            .Where(p => parentFiles.Contains(p) && IsSource(p))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return gold.Count is >= MinGold and <= MaxGold ? gold : [];
    }

    /// <summary>Subject and first body paragraph, trailers dropped, every changed file's path and name removed; null when too short.</summary>
    public static string? Query(string message, IReadOnlyList<GitFileChange> changes)
    {
        if (Chore().IsMatch(message)) return null;
        var paragraphs = BlankLines().Split(message.Replace("\r\n", "\n").Trim())
            .Select(p => string.Join(' ', p.Split('\n').Where(line => !Trailer().IsMatch(line)).Select(line => line.Trim())))
            .Where(p => p.Length > 0)
            .Take(2);
        var query = string.Join("\n", paragraphs);
        var names = changes.SelectMany(c => new[] { c.Path, c.OldPath })
            .OfType<string>()
            .SelectMany(p => new[] { p, p[(p.LastIndexOf('/') + 1)..] })
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(n => n.Length); // whole paths before the bare names inside them
        foreach (var name in names.Where(n => n.Length >= 3))
            query = Regex.Replace(query, @"(?<![\w/.-])" + Regex.Escape(name) + @"(?![\w/-])", " ", RegexOptions.IgnoreCase);
        query = Spaces().Replace(query, " ").Trim();
        return CodeTokenizer.Words(query).Count() >= MinQueryWords ? query : null;
    }

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"^\s*(Signed-off-by|Co-authored-by|Reviewed-by|Acked-by|Tested-by|Reported-by|Change-Id|Cc):", RegexOptions.IgnoreCase)]
    private static partial Regex Trailer();

    /// <summary>Dependency bots, releases and merges: no change request behind them.</summary>
    [GeneratedRegex(@"^\s*(Bump |Merge |Release |\[pre-commit\.ci\]|pre-commit autoupdate|Prepare release|Version \d|v?\d+\.\d+(\.\d+)?\s*$)", RegexOptions.IgnoreCase)]
    private static partial Regex Chore();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
}
