namespace RagService.Indexing;

/// <summary>
/// Turns the definitions a language chunker found into chunks covering the file: every leaf definition is a
/// chunk; the lines of a container that no member covers (fields, headers) form chunks named after the
/// container; lines outside every definition (imports, top-level statements) form chunks named after the file's
/// namespace or package. Runs without letters or digits (blank lines, lone braces) are dropped; anything longer
/// than the budget is split with overlap.
/// </summary>
public static class ChunkAssembler
{
    public static List<CodeChunk> Assemble(string path, string language, string[] lines, IEnumerable<SymbolSpan> found, string fileSymbol, ChunkingOptions options)
    {
        var spans = Normalise(found, lines.Length, options);
        var owner = new int[lines.Length + 1];
        Array.Fill(owner, -1);
        for (var i = 0; i < spans.Count; i++)
        {
            for (var line = spans[i].StartLine; line <= spans[i].EndLine; line++) owner[line] = i;
        }

        var chunks = new List<CodeChunk>();
        var line0 = 1;
        while (line0 <= lines.Length)
        {
            var o = owner[line0];
            if (o >= 0 && !spans[o].IsContainer)
            {
                var span = spans[o];
                AddSplit(chunks, path, language, lines, span.StartLine, span.EndLine, span.Symbol, span.Kind, options);
                line0 = span.EndLine + 1;
                continue;
            }
            var end = line0;
            while (end + 1 <= lines.Length && owner[end + 1] == o) end++;
            var (symbol, kind) = o >= 0 ? (spans[o].Symbol, spans[o].Kind) : (fileSymbol, "file");
            AddGap(chunks, path, language, lines, line0, end, symbol, kind, options);
            line0 = end + 1;
        }
        return chunks;
    }

    /// <summary>Plain text: overlapping windows of lines.</summary>
    public static List<CodeChunk> Windows(string path, string language, string[] lines, ChunkingOptions options)
    {
        var chunks = new List<CodeChunk>();
        var step = Math.Max(1, options.WindowLines - options.WindowOverlapLines);
        for (var start = 1; start <= lines.Length; start += step)
        {
            var end = Math.Min(lines.Length, start + options.WindowLines - 1);
            AddGap(chunks, path, language, lines, start, end, string.Empty, "text", options with { MaxChunkLines = options.WindowLines });
            if (end == lines.Length) break;
        }
        return chunks;
    }

    private static List<SymbolSpan> Normalise(IEnumerable<SymbolSpan> found, int lineCount, ChunkingOptions options)
    {
        var ordered = found
            .Select(s => s with { StartLine = Math.Clamp(s.StartLine, 1, Math.Max(1, lineCount)), EndLine = Math.Clamp(s.EndLine, 1, Math.Max(1, lineCount)) })
            .Where(s => s.EndLine >= s.StartLine && lineCount > 0)
            .Select(s => s.IsContainer && s.EndLine - s.StartLine + 1 <= options.SmallContainerLines ? s with { IsContainer = false } : s)
            .OrderBy(s => s.StartLine).ThenByDescending(s => s.EndLine)
            .ToList();
        // A leaf swallows whatever is nested in it (local functions, lambdas, inner classes of a method);
        // spans that overlap without nesting (rare, from heuristics) are cut back to the gap.
        var kept = new List<SymbolSpan>();
        var leafEnd = 0;
        var containerStack = new Stack<SymbolSpan>();
        foreach (var span in ordered)
        {
            if (span.StartLine <= leafEnd) continue;
            while (containerStack.Count > 0 && containerStack.Peek().EndLine < span.StartLine) containerStack.Pop();
            var adjusted = containerStack.Count > 0 && span.EndLine > containerStack.Peek().EndLine
                ? span with { EndLine = containerStack.Peek().EndLine }
                : span;
            kept.Add(adjusted);
            if (adjusted.IsContainer) containerStack.Push(adjusted);
            else leafEnd = adjusted.EndLine;
        }
        return kept;
    }

    private static void AddGap(List<CodeChunk> chunks, string path, string language, string[] lines, int start, int end, string symbol, string kind, ChunkingOptions options)
    {
        while (start <= end && !HasContent(lines[start - 1])) start++;
        while (end >= start && !HasContent(lines[end - 1])) end--;
        if (start > end) return;
        AddSplit(chunks, path, language, lines, start, end, symbol, kind, options);
    }

    private static void AddSplit(List<CodeChunk> chunks, string path, string language, string[] lines, int start, int end, string symbol, string kind, ChunkingOptions options)
    {
        var max = Math.Max(1, options.MaxChunkLines);
        var step = Math.Max(1, max - Math.Clamp(options.SplitOverlapLines, 0, max - 1));
        for (var partStart = start; partStart <= end; partStart += step)
        {
            var partEnd = Math.Min(end, partStart + max - 1);
            var text = string.Join('\n', lines, partStart - 1, partEnd - partStart + 1);
            chunks.Add(new CodeChunk(path, partStart, partEnd, symbol, kind, language, text));
            if (partEnd == end) break;
        }
    }

    private static bool HasContent(string line)
    {
        foreach (var c in line)
        {
            if (char.IsLetterOrDigit(c)) return true;
        }
        return false;
    }
}
