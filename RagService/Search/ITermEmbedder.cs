namespace RagService.Search;

/// <summary>
/// An embedder whose vector of a text depends only on the text's <see cref="CodeTokenizer"/> terms (the local hashing
/// embedder): indexing then tokenizes each chunk once, for its vector and its BM25 terms alike.
/// </summary>
public interface ITermEmbedder : IEmbedder
{
    /// <summary>What <see cref="IEmbedder.EmbedAsync"/> returns for a text with these terms.</summary>
    float[] EmbedTerms(ReadOnlySpan<string> terms);
}
