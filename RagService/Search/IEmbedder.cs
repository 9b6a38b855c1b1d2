namespace RagService.Search;

/// <summary>Turns texts into dense vectors. Vectors are L2-normalised, so a dot product is the cosine.</summary>
public interface IEmbedder
{
    /// <summary>Identifies the model and its settings; stored embeddings of another model are recomputed.</summary>
    string ModelId { get; }

    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);

    /// <summary>
    /// Embeds a query. <paramref name="termWeight"/> gives corpus statistics (inverse document frequency of an index
    /// term) that an embedder may use to weight query features; model-based embedders ignore it.
    /// </summary>
    async Task<float[]> EmbedQueryAsync(string query, Func<string, double>? termWeight, CancellationToken cancellationToken) =>
        (await EmbedAsync([query], cancellationToken).ConfigureAwait(false))[0];
}
