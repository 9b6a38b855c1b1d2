using RagService.Search;

namespace RagService.Indexing;

/// <summary>Where indexing results are persisted besides the in-memory index (a database, or nowhere).</summary>
public interface IIndexStore
{
    Task SaveFileAsync(string path, string hash, IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken);

    Task DeleteFileAsync(string path, CancellationToken cancellationToken);
}

/// <summary>Keeps nothing: the CLI's in-memory mode.</summary>
public sealed class NoIndexStore : IIndexStore
{
    public static NoIndexStore Instance { get; } = new();

    public Task SaveFileAsync(string path, string hash, IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeleteFileAsync(string path, CancellationToken cancellationToken) => Task.CompletedTask;
}
