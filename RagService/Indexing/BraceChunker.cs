namespace RagService.Indexing;

/// <summary>
/// Structural chunker for brace-delimited languages (Go, TypeScript/JavaScript, Java, Rust): definition
/// patterns find where a definition starts; brace matching over code characters (strings and comments masked
/// out) finds where it ends. Containers (classes, impls, namespaces) are scanned again for members.
/// </summary>
public sealed class BraceChunker(BraceLanguage language, ChunkingOptions options) : ISourceChunker
{
    private static readonly HashSet<string> NotNames = new(StringComparer.Ordinal)
    {
        "if", "for", "while", "switch", "catch", "return", "new", "else", "do", "try", "function", "super", "this",
        "synchronized", "typeof", "await", "throw", "case", "foreach", "using", "with", "yield", "delete", "void",
    };

    /// <summary>Longer lines are minified or generated code, not definition headers.</summary>
    public const int MaxDefinitionLineLength = 1000;

    public List<CodeChunk> Chunk(string path, string text)
    {
        var lines = TextLines.Split(text);
        var lineStarts = LineStarts(text, lines.Length);
        var mask = CodeMask.Build(text, language.BacktickStrings, language.ShortCharLiterals);
        var spans = new List<SymbolSpan>();
        var package = language.PackagePattern?.Match(text) is { Success: true } m ? m.Groups[1].Value : string.Empty;
        Scan(1, lines.Length, package, inContainer: false);
        return ChunkAssembler.Assemble(path, language.Name, lines, spans, package, options);

        void Scan(int fromLine, int toLine, string prefix, bool inContainer)
        {
            var line = fromLine;
            while (line <= toLine)
            {
                var lineText = lines[line - 1];
                var firstCode = FirstNonSpace(lineText);
                if (firstCode < 0 || lineText.Length > MaxDefinitionLineLength || !mask.IsCode(lineStarts[line - 1] + firstCode))
                {
                    line++;
                    continue;
                }
                var definition = Match(lineText, inContainer);
                if (definition is null)
                {
                    line++;
                    continue;
                }
                var (pattern, name, owner) = definition.Value;
                var end = Math.Min(toLine, FindEnd(line));
                var qualifiedOwner = owner.Length > 0 ? Qualify(prefix, owner) : prefix;
                var symbol = Qualify(qualifiedOwner, name);
                spans.Add(new SymbolSpan(LeadingCommentStart(line, fromLine), end, symbol, pattern.Kind, pattern.IsContainer));
                if (pattern.IsContainer && end > line) Scan(line + 1, end - 1, symbol, inContainer: true);
                line = end + 1;
            }
        }

        (DefinitionPattern Pattern, string Name, string Owner)? Match(string lineText, bool inContainer)
        {
            foreach (var pattern in language.Patterns)
            {
                if (pattern.Scope == PatternScope.TopLevel && inContainer && pattern.Kind != "function") continue;
                if (pattern.Scope == PatternScope.Member && !inContainer) continue;
                var match = pattern.Regex.Match(lineText);
                if (!match.Success) continue;
                var name = match.Groups["name"].Value;
                if (NotNames.Contains(name)) continue;
                return (pattern, name, match.Groups["owner"].Success ? match.Groups["owner"].Value : string.Empty);
            }
            return null;
        }

        // The line of the brace closing the definition's body; for body-less definitions (declarations,
        // one-line arrow functions) the end of the statement.
        int FindEnd(int startLine)
        {
            var position = lineStarts[startLine - 1];
            var parens = 0;
            var sawBlankLine = false;
            for (var i = position; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '\n')
                {
                    var nextLine = LineOf(i + 1);
                    if (nextLine <= lines.Length && string.IsNullOrWhiteSpace(lines[nextLine - 1]))
                    {
                        if (sawBlankLine || parens == 0) return LineOf(i);
                        sawBlankLine = true;
                    }
                    continue;
                }
                if (!mask.IsCode(i)) continue;
                switch (c)
                {
                    case '(' or '[': parens++; break;
                    case ')' or ']': parens = Math.Max(0, parens - 1); break;
                    case ';' when parens == 0: return LineOf(i);
                    case '{' when parens == 0: return LineOf(MatchingBrace(i));
                }
            }
            return lines.Length;
        }

        int MatchingBrace(int open)
        {
            var depth = 0;
            for (var i = open; i < text.Length; i++)
            {
                if (!mask.IsCode(i)) continue;
                if (text[i] == '{') depth++;
                else if (text[i] == '}' && --depth == 0) return i;
            }
            return text.Length - 1;
        }

        int LineOf(int position)
        {
            var index = Array.BinarySearch(lineStarts, position);
            return (index >= 0 ? index : ~index - 1) + 1;
        }

        // Doc comments, comments and annotations/attributes directly above a definition belong to it.
        int LeadingCommentStart(int line, int floor)
        {
            var start = line;
            while (start - 1 >= floor)
            {
                var previous = lines[start - 2].TrimStart();
                var isPreamble = previous.StartsWith("//", StringComparison.Ordinal) || previous.StartsWith("/*", StringComparison.Ordinal) ||
                                 previous.StartsWith('*') || previous.StartsWith('@') || previous.StartsWith("#[", StringComparison.Ordinal);
                if (!isPreamble) break;
                start--;
            }
            return start;
        }
    }

    private static int[] LineStarts(string text, int lineCount)
    {
        var starts = new int[Math.Max(1, lineCount)];
        var line = 1;
        for (var i = 0; i < text.Length && line < starts.Length; i++)
        {
            if (text[i] == '\n') starts[line++] = i + 1;
        }
        return starts;
    }

    private static int FirstNonSpace(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (!char.IsWhiteSpace(line[i])) return i;
        }
        return -1;
    }

    private static string Qualify(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
