using RagService.Indexing;
using RagService.Repositories;
using RagService.Search;

namespace RagService.Storage;

/// <summary>
/// Durable state of the service: registered repositories, their files and chunks. Shared by every replica: each
/// repository has an index version, bumped when an indexing run ends, which tells a replica that its in-memory index
/// is behind.
/// </summary>
public interface IRepositoryStore
{
    Task<IReadOnlyList<RegisteredRepository>> ListAsync(CancellationToken cancellationToken);

    /// <summary>A repository as stored now (registered through any replica), or null.</summary>
    Task<RegisteredRepository?> FindAsync(string repo, string branch, CancellationToken cancellationToken);

    /// <summary>Registers (repo, branch) for a working tree, or updates its path; returns it with its id.</summary>
    Task<RegisteredRepository> RegisterAsync(string repo, string branch, string path, CancellationToken cancellationToken);

    /// <summary>Saves the status; a status other than <see cref="IndexState.Indexing"/> ends a run and bumps the index version. Returns the version.</summary>
    Task<long> SaveStatusAsync(long repositoryId, RepositoryStatus status, CancellationToken cancellationToken);

    /// <summary>Holds the repository's indexing lease, across replicas, until disposed: one indexing run at a time.</summary>
    Task<IAsyncDisposable> LockAsync(long repositoryId, CancellationToken cancellationToken);

    /// <summary>Where an indexing run of this repository writes its files and chunks.</summary>
    IIndexStore FilesOf(long repositoryId);

    /// <summary>
    /// Brings <paramref name="index"/> in line with the stored files and chunks: files whose stored content hash differs
    /// from the index's are (re)loaded, files no longer stored leave it. Chunks embedded by another model than
    /// <paramref name="embeddingModel"/> are dropped instead (they are re-embedded by the next indexing run).
    /// Returns the number of files stored.
    /// </summary>
    Task<int> SyncAsync(long repositoryId, string embeddingModel, CodeIndex index, CancellationToken cancellationToken);
}
