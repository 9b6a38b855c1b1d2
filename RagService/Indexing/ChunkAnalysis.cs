using System.Runtime.InteropServices;
using RagService.Search;

namespace RagService.Indexing;

/// <summary>
/// A chunk's vector and BM25 terms from one tokenization, for an embedder of terms: tokenizing is the largest part of
/// both, and <see cref="RepositoryIndexer.EmbeddingText"/> (path, symbol, text on lines of their own) has exactly the
/// terms of the path, then the symbol's, then the text's.
/// </summary>
public static class ChunkAnalysis
{
    [ThreadStatic] private static Scratch? scratch;

    public static (float[] Vector, Bm25Terms Terms) Analyze(ITermEmbedder embedder, CodeChunk chunk)
    {
        var s = scratch ??= new Scratch();
        s.Clear();
        CodeTokenizer.Tokenize(chunk.Symbol, s.Symbol);
        CodeTokenizer.Tokenize(chunk.Text, s.Body);
        Bm25Document.TokenizePath(chunk.Path, s.Path);
        CodeTokenizer.Tokenize(chunk.Path, s.Embedded);
        s.Embedded.AddRange(CollectionsMarshal.AsSpan(s.Symbol));
        s.Embedded.AddRange(CollectionsMarshal.AsSpan(s.Body));
        return (embedder.EmbedTerms(CollectionsMarshal.AsSpan(s.Embedded)), Bm25Terms.Count(s.Path, s.Symbol, s.Body));
    }

    private sealed class Scratch
    {
        public List<string> Path { get; } = [];
        public List<string> Symbol { get; } = [];
        public List<string> Body { get; } = [];
        public List<string> Embedded { get; } = [];

        public void Clear()
        {
            Path.Clear();
            Symbol.Clear();
            Body.Clear();
            Embedded.Clear();
        }
    }
}
