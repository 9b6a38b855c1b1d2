using System.Collections.Concurrent;
using RagService.Indexing;
using RagService.Repositories;
using RagService.Search;

namespace RagService.Storage;

/// <summary>Keeps registrations for the life of the process only: used when no <c>ragdb</c> connection string is set (one replica).</summary>
public sealed class InMemoryRepositoryStore : IRepositoryStore
{
    private readonly ConcurrentDictionary<(string Repo, string Branch), RegisteredRepository> repositories = new();
    private long lastId;

    public Task<IReadOnlyList<RegisteredRepository>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RegisteredRepository>>(repositories.Values.OrderBy(r => r.Id).ToList());

    public Task<RegisteredRepository?> FindAsync(string repo, string branch, CancellationToken cancellationToken) =>
        Task.FromResult(repositories.GetValueOrDefault((repo, branch)));

    public Task<RegisteredRepository> RegisterAsync(string repo, string branch, string path, CancellationToken cancellationToken)
    {
        var registered = repositories.AddOrUpdate((repo, branch),
            _ => new RegisteredRepository(Interlocked.Increment(ref lastId), repo, branch, path, RepositoryStatus.NotIndexed),
            (_, existing) => existing with { Path = path });
        return Task.FromResult(registered);
    }

    public Task<long> SaveStatusAsync(long repositoryId, RepositoryStatus status, CancellationToken cancellationToken)
    {
        var version = 0L;
        foreach (var (key, value) in repositories)
        {
            if (value.Id != repositoryId) continue;
            version = status.State == IndexState.Indexing ? value.Version : value.Version + 1;
            repositories[key] = value with { Status = status, Version = version };
        }
        return Task.FromResult(version);
    }

    // One process: the catalog's own per-repository gate is the lease.
    public Task<IAsyncDisposable> LockAsync(long repositoryId, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLease.Instance);

    public IIndexStore FilesOf(long repositoryId) => NoIndexStore.Instance;

    public Task<int> SyncAsync(long repositoryId, string embeddingModel, CodeIndex index, CancellationToken cancellationToken) => Task.FromResult(index.FileCount);

    private sealed class NoLease : IAsyncDisposable
    {
        public static NoLease Instance { get; } = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
