namespace RagService.Indexing;

/// <summary>Picks the chunker for a file's language; unknown languages are chunked in line windows.</summary>
public sealed class ChunkerSelector(ChunkingOptions options)
{
    private readonly Dictionary<string, ISourceChunker> byLanguage = CreateChunkers(options);

    public ChunkerSelector() : this(ChunkingOptions.Default) { }

    public List<CodeChunk> Chunk(string path, string text)
    {
        var language = SourceLanguage.FromPath(path);
        return byLanguage.TryGetValue(language, out var chunker)
            ? chunker.Chunk(path, text)
            : ChunkAssembler.Windows(path, language, TextLines.Split(text), options);
    }

    // Brace chunkers are keyed by their language's own name, so the name SourceLanguage gives a file and the
    // name its chunks carry cannot drift apart.
    private static Dictionary<string, ISourceChunker> CreateChunkers(ChunkingOptions options)
    {
        var chunkers = new Dictionary<string, ISourceChunker>(StringComparer.Ordinal)
        {
            [SourceLanguage.CSharp] = new CSharpChunker(options),
            [SourceLanguage.Python] = new PythonChunker(options),
        };
        BraceLanguage[] braceLanguages =
        [
            BraceLanguage.Go, BraceLanguage.TypeScript, BraceLanguage.JavaScript, BraceLanguage.Java, BraceLanguage.Rust,
            BraceLanguage.Kotlin, BraceLanguage.Php, BraceLanguage.C, BraceLanguage.C with { Name = "cpp" },
        ];
        foreach (var language in braceLanguages) chunkers.Add(language.Name, new BraceChunker(language, options));
        return chunkers;
    }
}
