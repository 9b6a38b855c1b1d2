namespace RagService.Search;

/// <summary>Turns texts into dense vectors. Vectors are L2-normalised, so a dot product is the cosine.</summary>
public interface IEmbedder
{
    /// <summary>Identifies the model and its settings; stored embeddings of another model are recomputed.</summary>
    string ModelId { get; }

    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
