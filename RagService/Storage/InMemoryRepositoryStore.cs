using System.Collections.Concurrent;
using RagService.Indexing;
using RagService.Repositories;
using RagService.Search;

namespace RagService.Storage;

/// <summary>Keeps registrations for the life of the process only: used when no <c>ragdb</c> connection string is set.</summary>
public sealed class InMemoryRepositoryStore : IRepositoryStore
{
    private readonly ConcurrentDictionary<(string Repo, string Branch), RegisteredRepository> repositories = new();
    private long lastId;

    public Task<IReadOnlyList<RegisteredRepository>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RegisteredRepository>>(repositories.Values.OrderBy(r => r.Id).ToList());

    public Task<RegisteredRepository> RegisterAsync(string repo, string branch, string path, CancellationToken cancellationToken)
    {
        var registered = repositories.AddOrUpdate((repo, branch),
            _ => new RegisteredRepository(Interlocked.Increment(ref lastId), repo, branch, path, RepositoryStatus.NotIndexed),
            (_, existing) => existing with { Path = path });
        return Task.FromResult(registered);
    }

    public Task SaveStatusAsync(long repositoryId, RepositoryStatus status, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in repositories)
        {
            if (value.Id == repositoryId) repositories[key] = value with { Status = status };
        }
        return Task.CompletedTask;
    }

    public IIndexStore FilesOf(long repositoryId) => NoIndexStore.Instance;

    public Task<int> LoadAsync(long repositoryId, string embeddingModel, CodeIndex index, CancellationToken cancellationToken) => Task.FromResult(0);
}
