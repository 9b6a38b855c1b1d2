using System.Text.RegularExpressions;

namespace RagService.Indexing;

/// <summary>
/// Structural chunker for Python: <c>def</c>/<c>class</c> lines start definitions, indentation ends them.
/// Lines inside triple-quoted strings or open brackets are continuations and never end a block (a docstring
/// at column 0 does not close its function). Classes are containers (<c>Class.method</c>); decorators and
/// comments directly above belong to the definition.
/// </summary>
public sealed partial class PythonChunker(ChunkingOptions options) : ISourceChunker
{
    [GeneratedRegex(@"^(?<indent>[ \t]*)(?:async\s+)?(?<kind>def|class)\s+(?<name>\w+)")]
    private static partial Regex Definition();

    public List<CodeChunk> Chunk(string path, string text)
    {
        var lines = TextLines.Split(text);
        var continuation = ContinuationLines(text, lines.Length);
        var spans = new List<SymbolSpan>();
        // Open definitions: indentation, qualified name.
        var open = new List<(int Indent, string Symbol, int EndLine)>();

        for (var line = 1; line <= lines.Length; line++)
        {
            if (continuation[line]) continue;
            var match = Definition().Match(lines[line - 1]);
            if (!match.Success) continue;
            var indent = IndentWidth(match.Groups["indent"].Value);
            open.RemoveAll(o => o.EndLine < line || o.Indent >= indent);
            var end = BlockEnd(line, indent);
            var name = match.Groups["name"].Value;
            var symbol = open.Count > 0 ? open[^1].Symbol + "." + name : name;
            var isClass = match.Groups["kind"].Value == "class";
            spans.Add(new SymbolSpan(PreambleStart(line), end, symbol, isClass ? "class" : open.Count > 0 ? "method" : "function", isClass));
            open.Add((indent, symbol, end));
        }
        return ChunkAssembler.Assemble(path, SourceLanguage.Python, lines, spans, string.Empty, options);

        int BlockEnd(int startLine, int indent)
        {
            var last = startLine;
            for (var line = startLine + 1; line <= lines.Length; line++)
            {
                var content = lines[line - 1];
                if (string.IsNullOrWhiteSpace(content)) continue;
                if (!continuation[line] && !content.TrimStart().StartsWith('#') && IndentWidth(content) <= indent) break;
                last = line;
            }
            return last;
        }

        int PreambleStart(int line)
        {
            var start = line;
            while (start > 1)
            {
                var previous = lines[start - 2].TrimStart();
                if (!(previous.StartsWith('@') || previous.StartsWith('#')) || continuation[start - 1]) break;
                start--;
            }
            return start;
        }
    }

    private static int IndentWidth(string line)
    {
        var width = 0;
        foreach (var c in line)
        {
            if (c == ' ') width++;
            else if (c == '\t') width += 8 - width % 8;
            else break;
        }
        return width;
    }

    /// <summary>continuation[line] is true when the line starts inside a string, brackets or after a backslash.</summary>
    private static bool[] ContinuationLines(string text, int lineCount)
    {
        var result = new bool[lineCount + 2];
        var line = 1;
        var depth = 0;
        string? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                var backslash = i > 0 && text[i - 1] == '\\' && quote is null;
                if (quote is { Length: 1 }) quote = null; // unterminated one-line string
                line++;
                if (line <= lineCount) result[line] = quote is not null || depth > 0 || backslash;
                continue;
            }
            if (quote is not null)
            {
                if (c == '\\') { i++; continue; }
                if (string.CompareOrdinal(text, i, quote, 0, quote.Length) == 0)
                {
                    i += quote.Length - 1;
                    quote = null;
                }
                continue;
            }
            switch (c)
            {
                case '#':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '"' or '\'':
                    var triple = i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c;
                    quote = triple ? new string(c, 3) : c.ToString();
                    if (triple) i += 2;
                    break;
                case '(' or '[' or '{': depth++; break;
                case ')' or ']' or '}': depth = Math.Max(0, depth - 1); break;
            }
        }
        return result;
    }
}
