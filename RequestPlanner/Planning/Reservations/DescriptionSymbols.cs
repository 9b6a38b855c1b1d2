using System.Text.RegularExpressions;

namespace RequestPlanner.Planning.Reservations;

/// <summary>
/// Names the description calls as functions, the seed's <c>name(</c> capture: "add greet() and call it
/// from main" yields <c>greet</c>. Dotted names (<c>App.greet(</c>) are kept whole. Language keywords that
/// are written with a parenthesis (<c>if(</c>, <c>for(</c>) are not symbols and are skipped.
/// </summary>
public static partial class DescriptionSymbols
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "if", "for", "foreach", "while", "switch", "catch", "using", "lock", "return", "sizeof", "typeof",
        "nameof", "default", "new", "function", "def", "fn", "func", "elif", "except", "with", "await",
    };

    [GeneratedRegex(@"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\(", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CallPattern();

    /// <summary>Distinct names in order of first mention.</summary>
    public static IReadOnlyList<string> Capture(string description)
    {
        var names = new List<string>();
        foreach (Match match in CallPattern().Matches(description))
        {
            var name = match.Groups[1].Value;
            if (Keywords.Contains(name) || names.Contains(name, StringComparer.Ordinal)) continue;
            names.Add(name);
        }
        return names;
    }

    /// <summary>Where the description first calls <paramref name="name"/>, or -1.</summary>
    public static int FirstCallIndex(string description, string name)
    {
        foreach (Match match in CallPattern().Matches(description))
            if (match.Groups[1].Value == name) return match.Index;
        return -1;
    }
}
