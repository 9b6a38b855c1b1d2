namespace RagService.Search;

/// <summary>The three BM25F fields of a chunk, already tokenized.</summary>
public sealed record Bm25Document(IReadOnlyList<string> PathTerms, IReadOnlyList<string> SymbolTerms, IReadOnlyList<string> BodyTerms)
{
    /// <summary>Path terms (<see cref="TokenizePath"/>), the qualified symbol name, and the chunk text.</summary>
    public static Bm25Document FromChunk(string path, string symbol, string text)
    {
        var pathTerms = new List<string>();
        TokenizePath(path, pathTerms);
        return new Bm25Document(pathTerms, CodeTokenizer.Tokenize(symbol), CodeTokenizer.Tokenize(text));
    }

    /// <summary>
    /// Directories once, the file name twice, its extension once (the file name says more about the content than the
    /// folders do).
    /// </summary>
    public static void TokenizePath(string path, List<string> into)
    {
        var slash = path.LastIndexOf('/');
        CodeTokenizer.Tokenize(slash >= 0 ? path[..slash] : string.Empty, into);
        var fileName = slash >= 0 ? path[(slash + 1)..] : path;
        var dot = fileName.LastIndexOf('.');
        var stem = dot > 0 ? fileName[..dot] : fileName;
        CodeTokenizer.Tokenize(stem, into);
        CodeTokenizer.Tokenize(stem, into);
        // The extension once, so "package.json" or "the csproj" in a description can find the file.
        if (dot > 0) CodeTokenizer.Tokenize(fileName[(dot + 1)..], into);
    }
}
