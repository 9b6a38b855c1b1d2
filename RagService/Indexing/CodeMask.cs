namespace RagService.Indexing;

/// <summary>
/// Marks which characters of a C-family source file are code (not inside a comment or a string literal), so
/// brace matching and definition patterns ignore braces in strings and commented-out code. A lexer, not a
/// parser: good enough for finding where a definition ends.
/// </summary>
public sealed class CodeMask
{
    private readonly bool[] isCode;

    private CodeMask(bool[] isCode) => this.isCode = isCode;

    public bool IsCode(int index) => index >= 0 && index < isCode.Length && isCode[index];

    /// <param name="backtickStrings">JavaScript/TypeScript template literals and Go raw strings.</param>
    /// <param name="shortCharLiterals">Rust: <c>'</c> starts a literal only as in <c>'x'</c> or <c>'\n'</c> (else it is a lifetime).</param>
    public static CodeMask Build(string text, bool backtickStrings, bool shortCharLiterals)
    {
        var mask = new bool[text.Length];
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c == '/' && next == '*')
            {
                var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? text.Length : close + 2;
                continue;
            }
            if (c == '"' || (c == '`' && backtickStrings) || (c == '\'' && (!shortCharLiterals || IsShortCharLiteral(text, i))))
            {
                i = SkipString(text, i, c);
                continue;
            }
            mask[i] = true;
            i++;
        }
        return new CodeMask(mask);
    }

    private static bool IsShortCharLiteral(string text, int i) =>
        (i + 2 < text.Length && text[i + 2] == '\'' && text[i + 1] != '\\') ||
        (i + 3 < text.Length && text[i + 1] == '\\' && text[i + 3] == '\'');

    private static int SkipString(string text, int start, char quote)
    {
        var multiline = quote == '`';
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\') { i += 2; continue; }
            if (c == quote) return i + 1;
            // An unterminated ordinary string ends at the line end rather than swallowing the file.
            if (c == '\n' && !multiline) return i;
            i++;
        }
        return text.Length;
    }
}
