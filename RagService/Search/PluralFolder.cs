namespace RagService.Search;

/// <summary>
/// Plural folding after Harman's "S" stemmer (ies→y, es→e, s→∅ with its exceptions), extended so sibilant
/// plurals fold to their singular (classes→class, matches→match, boxes→box). Aggressive stemmers mangle
/// identifiers; plural folding is the part that reliably helps "orders" find <c>Order</c>.
/// </summary>
public static class PluralFolder
{
    private static readonly string[] SibilantPlurals = ["sses", "shes", "ches", "xes", "zzes"];

    public static string Fold(string word) => Fold(word, word);

    /// <summary>The folded word as a new string (the tokenizer folds words it holds as spans).</summary>
    public static string Fold(ReadOnlySpan<char> word) => Fold(word, null);

    private static string Fold(ReadOnlySpan<char> word, string? original)
    {
        if (word.Length < 4 || !char.IsLetter(word[^1])) return original ?? word.ToString();
        if (word.SequenceEqual("caches")) return "cache";
        foreach (var suffix in SibilantPlurals)
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length > suffix.Length + 1) return word[..^2].ToString();
        }
        if (word.EndsWith("ies", StringComparison.Ordinal) && !word.EndsWith("eies", StringComparison.Ordinal) && !word.EndsWith("aies", StringComparison.Ordinal))
            return string.Concat(word[..^3], "y");
        if (word.EndsWith("es", StringComparison.Ordinal) && !word.EndsWith("aes", StringComparison.Ordinal) && !word.EndsWith("ees", StringComparison.Ordinal) && !word.EndsWith("oes", StringComparison.Ordinal))
            return word[..^1].ToString();
        if (word.EndsWith('s') && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
            return word[..^1].ToString();
        return original ?? word.ToString();
    }
}
