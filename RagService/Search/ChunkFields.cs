namespace RagService.Search;

/// <summary>
/// A chunk's three BM25 fields as terms (<see cref="Bm25Document.FromChunk"/> without materialising it), in lists kept
/// per thread and reused: indexing tokenizes hundreds of thousands of chunks, and fresh lists for each were most of what
/// it allocated. Valid until the same thread tokenizes the next chunk.
/// </summary>
public sealed class ChunkFields
{
    [ThreadStatic] private static ChunkFields? current;

    private ChunkFields() { }

    public List<string> Path { get; } = [];
    public List<string> Symbol { get; } = [];
    public List<string> Body { get; } = [];

    public static ChunkFields Tokenize(string path, string symbol, string text)
    {
        var fields = current ??= new ChunkFields();
        fields.Path.Clear();
        fields.Symbol.Clear();
        fields.Body.Clear();
        Bm25Document.TokenizePath(path, fields.Path);
        CodeTokenizer.Tokenize(symbol, fields.Symbol);
        CodeTokenizer.Tokenize(text, fields.Body);
        return fields;
    }
}
