namespace RagService.Search;

/// <summary>A query term and how much it counts.</summary>
public readonly record struct WeightedTerm(string Term, double Weight);

/// <summary>
/// Turns a natural-language change description into weighted BM25 terms. Words that describe the kind of
/// change rather than the code ("fix", "add", "update"...) keep a small weight; adjacent words are also joined
/// ("order service" → <c>orderservice</c>) so prose can hit the whole identifier <c>OrderService</c>.
/// </summary>
public static class QueryAnalyzer
{
    public const double ChangeVerbWeight = 0.3;
    public const double JoinedWordsWeight = 0.5;

    private static readonly HashSet<string> ChangeWords = new(StringComparer.Ordinal)
    {
        "fix", "fixe", "fixed", "fixing", "bug", "bugfix", "issue", "add", "added", "adding", "update", "updated",
        "updating", "change", "changed", "changing", "improve", "improved", "improvement", "refactor", "refactored",
        "refactoring", "cleanup", "clean", "minor", "tweak", "typo", "support", "supported", "handle", "handled",
        "properly", "correctly", "correct", "instead", "now", "new", "use", "used", "using", "allow", "allowed",
        "ensure", "avoid", "implement", "implemented", "introduce", "introduced", "remove", "removed", "rename",
        "renamed", "move", "moved", "wip", "merge", "pull", "pr", "close", "closed", "resolve", "resolved", "see",
        "ticket", "signed", "co", "authored", "reviewed", "by", "com", "github", "http", "https", "www",
    };

    public static List<WeightedTerm> Analyze(string query)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var words = CodeTokenizer.Words(query).ToList();
        var scratch = new List<string>();
        foreach (var word in words)
        {
            scratch.Clear();
            CodeTokenizer.Tokenize(word, scratch);
            foreach (var term in scratch)
            {
                var weight = ChangeWords.Contains(term) ? ChangeVerbWeight : 1.0;
                // A term repeated in the query counts a little more, not linearly more.
                weights[term] = weights.TryGetValue(term, out var existing) ? existing + weight * 0.25 : weight;
            }
        }
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i].Length < 2 || words[i + 1].Length < 2) continue;
            var joined = CodeTokenizer.Normalize(words[i] + words[i + 1]);
            if (joined is null || weights.ContainsKey(joined)) continue;
            if (StopWords.IsStopWord(words[i].ToLowerInvariant()) || StopWords.IsStopWord(words[i + 1].ToLowerInvariant())) continue;
            weights[joined] = JoinedWordsWeight;
        }
        return weights.Select(pair => new WeightedTerm(pair.Key, pair.Value)).ToList();
    }

    /// <summary>
    /// The identifiers a request names: words that can only be code (<c>SharedDataMiddleware</c>, <c>getUser</c>,
    /// <c>shared_data</c>, <c>parse()</c>), at least four characters. Plain words and all-capital acronyms are not identifiers.
    /// </summary>
    public static List<string> Identifiers(string query)
    {
        var found = new List<string>();
        var start = -1;
        for (var i = 0; i <= query.Length; i++)
        {
            var isWordChar = i < query.Length && (char.IsLetterOrDigit(query[i]) || query[i] == '_');
            if (isWordChar)
            {
                if (start < 0) start = i;
                continue;
            }
            if (start < 0) continue;
            var word = query[start..i].Trim('_');
            var called = i + 1 < query.Length && query[i] == '(' && query[i + 1] == ')';
            if (word.Length >= 4 && word.Length <= CodeTokenizer.MaxTokenLength && char.IsLetter(word[0]) && (called || LooksLikeCode(word)) && !found.Contains(word))
                found.Add(word);
            start = -1;
        }
        return found;
    }

    private static bool LooksLikeCode(string word)
    {
        if (word.Contains('_')) return true;
        for (var i = 1; i < word.Length; i++)
        {
            // camelCase / PascalCase inner capital; "HTTPServer" (capital run, then lower) also counts.
            if (char.IsUpper(word[i]) && char.IsLower(word[i - 1])) return true;
            if (char.IsLower(word[i]) && i >= 2 && char.IsUpper(word[i - 1]) && char.IsUpper(word[i - 2])) return true;
        }
        return false;
    }
}
