namespace RagService.Search;

/// <summary>
/// Harman's "S" stemmer: folds English plurals only (ies→y, es→e, s→∅ with exceptions). Aggressive stemmers
/// mangle identifiers (Porter turns "cache" and "caching" into different things anyway); plural folding is the
/// part that reliably helps "orders" find <c>Order</c>.
/// </summary>
public static class PluralFolder
{
    public static string Fold(string word)
    {
        if (word.Length < 4 || !char.IsLetter(word[^1])) return word;
        if (word.EndsWith("ies", StringComparison.Ordinal) && !word.EndsWith("eies", StringComparison.Ordinal) && !word.EndsWith("aies", StringComparison.Ordinal))
            return word[..^3] + "y";
        if (word.EndsWith("es", StringComparison.Ordinal) && !word.EndsWith("aes", StringComparison.Ordinal) && !word.EndsWith("ees", StringComparison.Ordinal) && !word.EndsWith("oes", StringComparison.Ordinal))
            return word[..^1];
        if (word.EndsWith('s') && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
            return word[..^1];
        return word;
    }
}
