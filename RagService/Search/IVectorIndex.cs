namespace RagService.Search;

/// <summary>A chunk's vector and the file it belongs to (stored as payload where the index supports it).</summary>
public sealed record VectorEntry(long Id, string Path, float[] Vector);

public readonly record struct VectorMatch(long Id, float Score);

/// <summary>Dense nearest-neighbour search by cosine similarity (vectors are unit length).</summary>
public interface IVectorIndex
{
    Task UpsertAsync(IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken);

    /// <summary>Removes a file's vectors; <paramref name="ids"/> are the ids it had.</summary>
    Task RemoveFileAsync(string path, IReadOnlyList<long> ids, CancellationToken cancellationToken);

    /// <summary>The <paramref name="limit"/> best matches, best first.</summary>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(float[] query, int limit, CancellationToken cancellationToken);
}
