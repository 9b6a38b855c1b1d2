using System.Text;

namespace Srm.Validation;

/// <summary>Character rules shared by every string field (Postgres text cannot hold NUL, logs must not hold newlines).</summary>
public static class TextRules
{
    /// <summary>Why <paramref name="value"/> has unacceptable characters, or null.</summary>
    public static string? Problem(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return c == '\0'
                    ? "must not contain NUL characters"
                    : $"must not contain control characters (found U+{(int)c:X4})";
            }
        }

        // Lone surrogates cannot be stored as UTF-8.
        return IsWellFormed(value)
            ? null
            : "must be well-formed Unicode (found a lone surrogate)";
    }

    private static bool IsWellFormed(string value)
    {
        var span = value.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            span = span[consumed..];
        }

        return true;
    }
}
