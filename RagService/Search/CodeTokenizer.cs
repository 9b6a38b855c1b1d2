using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace RagService.Search;

/// <summary>
/// Identifier-aware tokenizer shared by documents and queries, so both sides see the same terms.
/// <c>HttpClientFactory</c> yields <c>httpclientfactory</c>, <c>http</c>, <c>client</c>, <c>factory</c>;
/// <c>snake_case_name</c> yields the whole identifier (underscores kept) and its parts; letter/digit boundaries split
/// (<c>utf8Decoder</c> → <c>utf</c>, <c>8</c>... digits alone are dropped when shorter than 2).
/// Everything is lower-cased, English stop-words are dropped and plurals folded (<see cref="PluralFolder"/>).
/// <para>
/// Indexing tokenizes over a hundred megabytes of code, so the work is done on spans: only the terms themselves are
/// allocated. A word's terms depend on the word alone, so they are also memoised, bounded by
/// <see cref="MaxMemoisedWords"/> (about 50 MB): a hit costs one lookup and allocates nothing.
/// </para>
/// </summary>
public static class CodeTokenizer
{
    /// <summary>Tokens longer than this are hashes, base64 or minified noise, not words.</summary>
    public const int MaxTokenLength = 48;

    /// <summary>Words whose terms are kept by the memo.</summary>
    public const int MaxMemoisedWords = 1 << 18;

    private static readonly ConcurrentDictionary<string, string[]> Memo = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> MemoBySpan = Memo.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int memoised;

    /// <summary>All index terms of <paramref name="text"/>, in order, with repetitions (term frequency matters).</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        Tokenize(text, tokens);
        return tokens;
    }

    public static void Tokenize(string text, List<string> into)
    {
        for (var position = 0; NextWord(text, ref position) is var (start, length);) AddTerms(text.AsSpan(start, length), into);
    }

    /// <summary>The raw identifier-like words (letters, digits, underscores) in the text.</summary>
    public static IEnumerable<string> Words(string text)
    {
        for (var position = 0; NextWord(text, ref position) is var (start, length);) yield return text.Substring(start, length);
    }

    // ASCII is searched vectorised; other characters are word characters when they are letters or digits.
    private static readonly SearchValues<char> AsciiWordChars = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");
    private static readonly SearchValues<char> AsciiOtherChars = SearchValues.Create(
        Enumerable.Range(0, 128).Select(c => (char)c).Where(c => !AsciiWordChars.Contains(c)).ToArray());

    /// <summary>The next word at or after <paramref name="position"/> (start and length), which moves past it; null at the end.</summary>
    private static (int Start, int Length)? NextWord(string text, ref int position)
    {
        var start = position;
        while (true)
        {
            var found = text.AsSpan(start).IndexOfAnyExcept(AsciiOtherChars);
            if (found < 0)
            {
                position = text.Length;
                return null;
            }
            start += found;
            if (text[start] < 128 || char.IsLetterOrDigit(text[start])) break;
            start++;
        }
        var end = start + 1;
        while (true)
        {
            var stop = text.AsSpan(end).IndexOfAnyExcept(AsciiWordChars);
            end = stop < 0 ? text.Length : end + stop;
            if (end == text.Length || text[end] < 128 || !char.IsLetterOrDigit(text[end])) break;
            end++;
        }
        position = end;
        return (start, end - start);
    }

    /// <summary>Lower-cases, drops stop-words and one-letter noise, folds plurals. Null when the token is dropped.</summary>
    public static string? Normalize(string token) => Normalize(token.AsSpan());

    /// <summary>Adds the terms of one word: from the memo, or computed (and memoised while there is room).</summary>
    private static void AddTerms(ReadOnlySpan<char> word, List<string> into)
    {
        if (word.Length > MaxTokenLength) return;
        if (MemoBySpan.TryGetValue(word, out var memo))
        {
            // As a span: adding an array as an enumerable costs an interface cast per word.
            into.AddRange(memo.AsSpan());
            return;
        }
        var before = into.Count;
        EmitIdentifier(word, into);
        if (Volatile.Read(ref memoised) < MaxMemoisedWords && Memo.TryAdd(word.ToString(), CollectionsMarshal.AsSpan(into)[before..].ToArray()))
            Interlocked.Increment(ref memoised);
    }

    private static void EmitIdentifier(ReadOnlySpan<char> word, List<string> into)
    {
        Span<Range> parts = stackalloc Range[MaxTokenLength];
        var count = SplitIdentifier(word, parts);
        if (count > 1 && Normalize(word.Trim('_')) is { } whole) into.Add(whole);
        foreach (var range in parts[..count])
        {
            var part = word[range];
            if (Normalize(IsAcronymPlural(part) ? part[..^1] : part) is { } term) into.Add(term);
        }
    }

    /// <summary>The sub-words of one identifier (case, underscore and digit boundaries), as ranges of it.</summary>
    private static int SplitIdentifier(ReadOnlySpan<char> identifier, Span<Range> parts)
    {
        var count = 0;
        var start = -1;
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (c == '_')
            {
                if (start >= 0) parts[count++] = start..i;
                start = -1;
                continue;
            }
            if (start < 0)
            {
                start = i;
                continue;
            }
            var previous = identifier[i - 1];
            var boundary =
                (char.IsLower(previous) && char.IsUpper(c)) ||
                (char.IsLetter(previous) && char.IsDigit(c)) ||
                (char.IsDigit(previous) && char.IsLetter(c)) ||
                // "HTTPServer": the last capital of a run starts the next word, except before a plural "s" ("IDs", "URLs").
                (char.IsUpper(previous) && char.IsUpper(c) && i + 1 < identifier.Length && char.IsLower(identifier[i + 1]) && !IsPluralS(identifier, i + 1));
            if (boundary)
            {
                parts[count++] = start..i;
                start = i;
            }
        }
        if (start >= 0) parts[count++] = start..identifier.Length;
        return count;
    }

    private static bool IsPluralS(ReadOnlySpan<char> identifier, int index) =>
        identifier[index] == 's' && (index + 1 == identifier.Length || !char.IsLower(identifier[index + 1]));

    // "IDs", "URLs": an upper-case run with a plural "s".
    private static bool IsAcronymPlural(ReadOnlySpan<char> part) =>
        part.Length >= 3 && part[^1] == 's' && part[..^1].IndexOfAnyExceptInRange('A', 'Z') < 0;

    private static string? Normalize(ReadOnlySpan<char> token)
    {
        if (token.Length < 2) return null;
        Span<char> lower = token.Length <= 256 ? stackalloc char[token.Length] : new char[token.Length];
        token.ToLowerInvariant(lower);
        if (StopWords.IsStopWord(lower)) return null;
        if (char.IsDigit(lower[0]) && lower.Length > 6) return null;
        return PluralFolder.Fold(lower);
    }
}
