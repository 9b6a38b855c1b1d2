namespace RagService.Search;

/// <summary>The three BM25F fields of a chunk, already tokenized.</summary>
public sealed record Bm25Document(IReadOnlyList<string> PathTerms, IReadOnlyList<string> SymbolTerms, IReadOnlyList<string> BodyTerms)
{
    /// <summary>
    /// Path terms: directories once, the file name twice, its extension once (the file name says more about the content than the
    /// folders do). Symbol terms: the qualified symbol name. Body: the chunk text.
    /// </summary>
    public static Bm25Document FromChunk(string path, string symbol, string text)
    {
        var pathTerms = new List<string>();
        var slash = path.LastIndexOf('/');
        CodeTokenizer.Tokenize(slash >= 0 ? path[..slash] : string.Empty, pathTerms);
        var fileName = slash >= 0 ? path[(slash + 1)..] : path;
        var dot = fileName.LastIndexOf('.');
        var stem = dot > 0 ? fileName[..dot] : fileName;
        CodeTokenizer.Tokenize(stem, pathTerms);
        CodeTokenizer.Tokenize(stem, pathTerms);
        // The extension once, so "package.json" or "the csproj" in a description can find the file.
        if (dot > 0) CodeTokenizer.Tokenize(fileName[(dot + 1)..], pathTerms);
        return new Bm25Document(pathTerms, CodeTokenizer.Tokenize(symbol), CodeTokenizer.Tokenize(text));
    }
}
