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
    [ThreadStatic] private static List<string>? embedded;

    public static (float[] Vector, Bm25Terms Terms) Analyze(ITermEmbedder embedder, CodeChunk chunk)
    {
        var fields = ChunkFields.Tokenize(chunk.Path, chunk.Symbol, chunk.Text);
        var terms = embedded ??= [];
        terms.Clear();
        CodeTokenizer.Tokenize(chunk.Path, terms);
        terms.AddRange(CollectionsMarshal.AsSpan(fields.Symbol));
        terms.AddRange(CollectionsMarshal.AsSpan(fields.Body));
        return (embedder.EmbedTerms(CollectionsMarshal.AsSpan(terms)), Bm25Terms.Count(fields.Path, fields.Symbol, fields.Body));
    }
}
