namespace RagService.Repositories;

public enum IndexState { NotIndexed, Indexing, Ready, Failed }

/// <summary>What is known about a registered repository's index.</summary>
public sealed record RepositoryStatus(
    IndexState State,
    int Files,
    int Chunks,
    int FilesChanged,
    int FilesRemoved,
    DateTimeOffset? IndexedAt,
    long DurationMs,
    string? Error,
    string? EmbeddingModel,
    string? TreeFingerprint)
{
    public static RepositoryStatus NotIndexed { get; } = new(IndexState.NotIndexed, 0, 0, 0, 0, null, 0, null, null, null);
}

/// <summary>
/// A repository as registered: a (repo, branch) name for a working tree on this machine. <paramref name="Version"/> counts
/// the indexing runs that ended (see <see cref="Storage.IRepositoryStore"/>).
/// </summary>
public sealed record RegisteredRepository(long Id, string Repo, string Branch, string Path, RepositoryStatus Status, long Version = 0);
