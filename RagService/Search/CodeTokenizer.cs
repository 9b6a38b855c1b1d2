using System.Collections.Concurrent;
using System.Text;

namespace RagService.Search;

/// <summary>
/// Identifier-aware tokenizer shared by documents and queries, so both sides see the same terms.
/// <c>HttpClientFactory</c> yields <c>httpclientfactory</c>, <c>http</c>, <c>client</c>, <c>factory</c>;
/// <c>snake_case_name</c> yields the whole identifier (underscores kept) and its parts; letter/digit boundaries split
/// (<c>utf8Decoder</c> → <c>utf</c>, <c>8</c>... digits alone are dropped when shorter than 2).
/// Everything is lower-cased, English stop-words are dropped and plurals folded (<see cref="PluralFolder"/>).
/// A word's terms are remembered (code repeats its words endlessly), so most words cost one lookup of their characters
/// and share their term strings; the memory is bounded by <see cref="MaxRememberedWords"/>.
/// </summary>
public static class CodeTokenizer
{
    /// <summary>Tokens longer than this are hashes, base64 or minified noise, not words.</summary>
    public const int MaxTokenLength = 48;

    /// <summary>Words whose terms are remembered; when full, the memory starts afresh (the words of the current repository come back first).</summary>
    public const int MaxRememberedWords = 200_000;

    private static readonly ConcurrentDictionary<string, string[]> TermsOfWord = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> TermsOfSpan =
        TermsOfWord.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>All index terms of <paramref name="text"/>, in order, with repetitions (term frequency matters).</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        Tokenize(text, tokens);
        return tokens;
    }

    public static void Tokenize(string text, List<string> into)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && IsWordChar(text[i]))
            {
                if (start < 0) start = i;
            }
            else if (start >= 0)
            {
                into.AddRange(TermsOf(text.AsSpan(start, i - start)));
                start = -1;
            }
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static string[] TermsOf(ReadOnlySpan<char> word)
    {
        if (word.Length > MaxTokenLength) return [];
        if (TermsOfSpan.TryGetValue(word, out var terms)) return terms;
        var list = new List<string>();
        var text = word.ToString();
        EmitIdentifier(text, list);
        terms = [.. list];
        if (TermsOfWord.Count >= MaxRememberedWords) TermsOfWord.Clear();
        TermsOfWord.TryAdd(text, terms);
        return terms;
    }

    /// <summary>The raw identifier-like words (letters, digits, underscores) in the text.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && IsWordChar(text[i]);
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
