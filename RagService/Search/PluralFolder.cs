namespace RagService.Search;

/// <summary>
/// Plural folding after Harman's "S" stemmer (ies→y, es→e, s→∅ with its exceptions), extended so sibilant
/// plurals fold to their singular (classes→class, matches→match, boxes→box). Aggressive stemmers mangle
/// identifiers; plural folding is the part that reliably helps "orders" find <c>Order</c>.
/// </summary>
public static class PluralFolder
{
    private static readonly string[] SibilantPlurals = ["sses", "shes", "ches", "xes", "zzes"];

    public static string Fold(string word)
    {
        if (word.Length < 4 || !char.IsLetter(word[^1])) return word;
        if (word == "caches") return "cache";
        foreach (var suffix in SibilantPlurals)
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length > suffix.Length + 1) return word[..^2];
        }
        if (word.EndsWith("ies", StringComparison.Ordinal) && !word.EndsWith("eies", StringComparison.Ordinal) && !word.EndsWith("aies", StringComparison.Ordinal))
            return word[..^3] + "y";
        if (word.EndsWith("es", StringComparison.Ordinal) && !word.EndsWith("aes", StringComparison.Ordinal) && !word.EndsWith("ees", StringComparison.Ordinal) && !word.EndsWith("oes", StringComparison.Ordinal))
            return word[..^1];
        if (word.EndsWith('s') && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
            return word[..^1];
        return word;
    }
}
