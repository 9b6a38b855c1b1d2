using System.Text;

namespace RagService.Search;

/// <summary>
/// Identifier-aware tokenizer shared by documents and queries, so both sides see the same terms.
/// <c>HttpClientFactory</c> yields <c>httpclientfactory</c>, <c>http</c>, <c>client</c>, <c>factory</c>;
/// <c>snake_case_name</c> yields the whole identifier (underscores kept) and its parts; letter/digit boundaries split
/// (<c>utf8Decoder</c> → <c>utf</c>, <c>8</c>... digits alone are dropped when shorter than 2).
/// Everything is lower-cased, English stop-words are dropped and plurals folded (<see cref="PluralFolder"/>).
/// </summary>
public static class CodeTokenizer
{
    /// <summary>Tokens longer than this are hashes, base64 or minified noise, not words.</summary>
    public const int MaxTokenLength = 48;

    /// <summary>All index terms of <paramref name="text"/>, in order, with repetitions (term frequency matters).</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        Tokenize(text, tokens);
        return tokens;
    }

    public static void Tokenize(string text, List<string> into)
    {
        foreach (var word in Words(text))
        {
            EmitIdentifier(word, into);
        }
    }

    /// <summary>The raw identifier-like words (letters, digits, underscores) in the text.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_');
            if (isWordChar)
            {
                if (start < 0) start = i;
            }
            else if (start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }
        }
    }

    /// <summary>The sub-words of one identifier (case, underscore and digit boundaries), original case.</summary>
    public static List<string> SplitIdentifier(string identifier)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (c == '_')
            {
                Flush();
                continue;
            }
            if (current.Length > 0)
            {
                var previous = identifier[i - 1];
                var boundary =
                    (char.IsLower(previous) && char.IsUpper(c)) ||
                    (char.IsLetter(previous) && char.IsDigit(c)) ||
                    (char.IsDigit(previous) && char.IsLetter(c)) ||
                    // "HTTPServer": the last capital of a run starts the next word, except before a plural "s" ("IDs", "URLs").
                    (char.IsUpper(previous) && char.IsUpper(c) && i + 1 < identifier.Length && char.IsLower(identifier[i + 1]) && !IsPluralS(identifier, i + 1));
                if (boundary) Flush();
            }
            current.Append(c);
        }
        Flush();
        return parts;

        void Flush()
        {
            if (current.Length > 0) parts.Add(current.ToString());
            current.Clear();
        }
    }

    private static bool IsPluralS(string identifier, int index) =>
        identifier[index] == 's' && (index + 1 == identifier.Length || !char.IsLower(identifier[index + 1]));

    // "IDs", "URLs": an upper-case run with a plural "s".
    private static bool IsAcronymPlural(string part) =>
        part.Length >= 3 && part[^1] == 's' && part.AsSpan(0, part.Length - 1).IndexOfAnyExceptInRange('A', 'Z') < 0;

    private static void EmitIdentifier(string word, List<string> into)
    {
        if (word.Length > MaxTokenLength) return;
        var parts = SplitIdentifier(word);
        if (parts.Count > 1)
        {
            var whole = Normalize(word.Trim('_'));
            if (whole is not null) into.Add(whole);
        }
        foreach (var part in parts)
        {
            var term = Normalize(IsAcronymPlural(part) ? part[..^1] : part);
            if (term is not null) into.Add(term);
        }
    }

    /// <summary>Lower-cases, drops stop-words and one-letter noise, folds plurals. Null when the token is dropped.</summary>
    public static string? Normalize(string token)
    {
        if (token.Length < 2) return null;
        var lower = token.ToLowerInvariant();
        if (StopWords.IsStopWord(lower)) return null;
        if (char.IsDigit(lower[0]) && lower.Length > 6) return null;
        return PluralFolder.Fold(lower);
    }
}
