using RagService.Indexing;
using RagService.Repositories;
using RagService.Search;

namespace RagService.Storage;

/// <summary>Durable state of the service: registered repositories, their files and chunks.</summary>
public interface IRepositoryStore
{
    Task<IReadOnlyList<RegisteredRepository>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Registers (repo, branch) for a working tree, or updates its path; returns it with its id.</summary>
    Task<RegisteredRepository> RegisterAsync(string repo, string branch, string path, CancellationToken cancellationToken);

    Task SaveStatusAsync(long repositoryId, RepositoryStatus status, CancellationToken cancellationToken);

    /// <summary>Where an indexing run of this repository writes its files and chunks.</summary>
    IIndexStore FilesOf(long repositoryId);

    /// <summary>
    /// Puts the stored files and chunks into <paramref name="index"/>. Chunks embedded by another model than
    /// <paramref name="embeddingModel"/> are dropped instead (they are re-embedded by the next indexing run).
    /// Returns the number of files loaded.
    /// </summary>
    Task<int> LoadAsync(long repositoryId, string embeddingModel, CodeIndex index, CancellationToken cancellationToken);
}
