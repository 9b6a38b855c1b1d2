namespace RagService.Indexing;

/// <summary>Picks the chunker for a file's language; unknown languages are chunked in line windows.</summary>
public sealed class ChunkerSelector(ChunkingOptions options)
{
    private readonly CSharpChunker csharp = new(options);
    private readonly PythonChunker python = new(options);
    private readonly BraceChunker go = new(BraceLanguage.Go, options);
    private readonly BraceChunker typeScript = new(BraceLanguage.TypeScript, options);
    private readonly BraceChunker javaScript = new(BraceLanguage.JavaScript, options);
    private readonly BraceChunker java = new(BraceLanguage.Java, options);
    private readonly BraceChunker rust = new(BraceLanguage.Rust, options);
    private readonly BraceChunker kotlin = new(BraceLanguage.Kotlin, options);
    private readonly BraceChunker php = new(BraceLanguage.Php, options);
    private readonly BraceChunker c = new(BraceLanguage.C, options);
    private readonly BraceChunker cpp = new(BraceLanguage.C with { Name = "cpp" }, options);

    public ChunkerSelector() : this(ChunkingOptions.Default) { }

    public List<CodeChunk> Chunk(string path, string text)
    {
        var language = SourceLanguage.FromPath(path);
        ISourceChunker? chunker = language switch
        {
            SourceLanguage.CSharp => csharp,
            SourceLanguage.Python => python,
            SourceLanguage.Go => go,
            SourceLanguage.TypeScript => typeScript,
            SourceLanguage.JavaScript => javaScript,
            SourceLanguage.Java => java,
            SourceLanguage.Rust => rust,
            "kotlin" => kotlin,
            "php" => php,
            "c" => c,
            "cpp" => cpp,
            _ => null,
        };
        return chunker is not null
            ? chunker.Chunk(path, text)
            : ChunkAssembler.Windows(path, language, TextLines.Split(text), options);
    }
}
