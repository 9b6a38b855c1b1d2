using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagService.Indexing;
using RagService.Search;
using RagService.Storage;

namespace RagService.Repositories;

/// <summary>
/// The registered repositories and their in-memory indexes: registers and indexes working trees (only under the
/// workspace roots), rebuilds indexes from the store at startup, refreshes a stale index before searching it,
/// and answers which paths exist. One indexing run per repository at a time, across replicas; before answering,
/// a replica catches up with runs that ended on another (the store's index version is newer than its own).
/// </summary>
public sealed class RepositoryCatalog(
    IRepositoryStore store,
    RepositoryIndexer indexer,
    HybridSearcher searcher,
    WorkspaceRoots roots,
    IVectorIndexFactory vectors,
    IOptions<RagOptions> options,
    TimeProvider time,
    RagMetrics metrics,
    ILogger<RepositoryCatalog> logger)
{
    public const int MaxNameLength = 256;
    public const int MaxWorkspacePathLength = 4096;
    public const int MaxResolvePaths = 1000;

    private readonly ConcurrentDictionary<(string Repo, string Branch), Entry> entries = new();

    /// <summary>Rebuilds every registered repository's index from the store (no re-chunking, no re-embedding).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var registered in await store.ListAsync(cancellationToken))
        {
            var entry = entries.GetOrAdd((registered.Repo, registered.Branch), _ => NewEntry(registered));
            await entry.Gate.WaitAsync(cancellationToken);
            try
            {
                await CatchUpAsync(entry, registered, cancellationToken);
            }
            finally
            {
                entry.Gate.Release();
            }
        }
    }

    public async Task<RegisteredRepository> IndexAsync(string repo, string branch, string path, CancellationToken cancellationToken)
    {
        ValidateName(repo, "repo", required: true);
        ValidateName(branch, "branch", required: false);
        if (string.IsNullOrWhiteSpace(path)) throw new InvalidRepositoryRequestException("path is empty; give the absolute path of the working tree to index.");
        if (path.Length > MaxWorkspacePathLength) throw new InvalidRepositoryRequestException($"path has {path.Length} characters; the limit is {MaxWorkspacePathLength}.");
        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0) throw new InvalidRepositoryRequestException("path contains a NUL or another character no file path may hold.");
        var canonical = roots.Authorize(path);
        if (!Directory.Exists(canonical)) throw new DirectoryNotFoundException($"The working tree '{path}' does not exist; check out the repository there first.");

        var registered = await store.RegisterAsync(repo, branch, canonical, cancellationToken);
        var entry = entries.GetOrAdd((repo, branch), _ => NewEntry(registered));
        entry.Path = canonical;
        await RunIndexAsync(entry, onlyIfStale: false, cancellationToken);
        return entry.Snapshot();
    }

    public async Task<SearchResponse> SearchAsync(string repo, string branch, SearchRequest request, CancellationToken cancellationToken)
    {
        ValidateName(repo, "repo", required: true);
        ValidateName(branch, "branch", required: false);
        SearchLimits.Validate(request);
        var clock = Stopwatch.StartNew();
        var entry = await FindAsync(repo, branch, cancellationToken);
        if (IsStale(entry)) await RunIndexAsync(entry, onlyIfStale: true, cancellationToken);
        if (entry.Status.State != IndexState.Ready && entry.Index.FileCount == 0)
            throw new RepositoryUnavailableException($"Repository '{repo}' branch '{branch}' could not be indexed: {entry.Status.Error}. Fix the working tree at {entry.Path} and call IndexRepository again.");
        var response = await searcher.SearchAsync(entry.Index, request, cancellationToken);
        metrics.SearchDuration.Record(clock.Elapsed.TotalMilliseconds);
        metrics.Searches.Add(1);
        return response;
    }

    public async Task<RegisteredRepository> GetStatusAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        ValidateName(repo, "repo", required: true);
        ValidateName(branch, "branch", required: false);
        return (await FindAsync(repo, branch, cancellationToken)).Snapshot();
    }

    /// <summary>For each path: whether it exists in the indexed working tree, and its normalised form (empty when invalid).</summary>
    public async Task<IReadOnlyList<(string Path, bool Exists, string Normalized)>> ResolvePathsAsync(string repo, string branch, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        ValidateName(repo, "repo", required: true);
        ValidateName(branch, "branch", required: false);
        if (paths.Count > MaxResolvePaths) throw new InvalidRepositoryRequestException($"{paths.Count} paths in one request; the limit is {MaxResolvePaths}. Split the request.");
        var entry = await FindAsync(repo, branch, cancellationToken);
        return paths.Select(path =>
        {
            var normalized = RepositoryPaths.Normalize(path);
            if (normalized is null) return (path, false, string.Empty);
            return (path, entry.Index.ContainsFile(normalized) || ExistsOnDisk(entry.Path, normalized), normalized);
        }).ToList();
    }

    private static bool ExistsOnDisk(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        // Symbolic links inside the tree must not answer questions about files outside it.
        var canonical = WorkspaceRoots.Canonical(full);
        if (!canonical.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return false;
        return File.Exists(canonical) || Directory.Exists(canonical);
    }

    /// <summary>
    /// The repository's entry with an index at least as new as the store's: another replica may have registered it or
    /// finished an indexing run since (one version read per call; the catch-up loads only the files that changed).
    /// </summary>
    private async Task<Entry> FindAsync(string repo, string branch, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(repo, branch, cancellationToken);
        if (!entries.TryGetValue((repo, branch), out var entry))
        {
            if (stored is null) throw new RepositoryNotFoundException(repo, branch);
            entry = entries.GetOrAdd((repo, branch), _ => NewEntry(stored));
        }
        if (stored is not null && stored.Version != entry.Version)
        {
            await entry.Gate.WaitAsync(cancellationToken);
            try
            {
                // Re-read under the gate: a run of this replica, or another catch-up, may have got there first.
                if (await store.FindAsync(repo, branch, cancellationToken) is { } current && current.Version != entry.Version)
                    await CatchUpAsync(entry, current, cancellationToken);
            }
            finally
            {
                entry.Gate.Release();
            }
        }
        return entry;
    }

    /// <summary>Loads what the store holds beyond the entry's index (the caller holds the entry's gate).</summary>
    private async Task CatchUpAsync(Entry entry, RegisteredRepository stored, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var files = await store.SyncAsync(stored.Id, indexer.Embedder.ModelId, entry.Index, cancellationToken);
        entry.Path = stored.Path;
        entry.Version = stored.Version;
        // The history is not stored: one git log of the working tree rebuilds it (README, "History").
        if (Directory.Exists(entry.Path)) await indexer.RefreshHistoryAsync(entry.Path, entry.Index, cancellationToken);
        // A run in progress elsewhere keeps this replica's last finished status; an index interrupted mid-run, or
        // stored by another embedding model, is refreshed before its next search.
        if (stored.Status.State != IndexState.Indexing || entry.Status.State == IndexState.NotIndexed)
        {
            var usable = stored.Status.State == IndexState.Ready && (files > 0 || stored.Status.Files == 0);
            entry.Status = usable ? stored.Status : stored.Status with { State = IndexState.NotIndexed };
        }
        logger.LogInformation("Loaded {Repo}@{Branch} version {Version} from the database: {Files} files, {Chunks} chunks in {Elapsed} ms ({State})",
            entry.Repo, entry.Branch, entry.Version, files, entry.Index.ChunkCount, clock.ElapsedMilliseconds, entry.Status.State);
    }

    private Entry NewEntry(RegisteredRepository registered) =>
        new(registered.Id, registered.Repo, registered.Branch, registered.Path, new CodeIndex(vectors.Create(registered.Repo, registered.Branch)));

    private bool IsStale(Entry entry)
    {
        var status = entry.Status;
        if (status.State != IndexState.Ready) return true;
        var fingerprint = TreeFingerprint.Compute(entry.Path);
        if (fingerprint is not null && fingerprint != status.TreeFingerprint) return true;
        var interval = options.Value.RefreshInterval;
        return interval > TimeSpan.Zero && status.IndexedAt is { } at && time.GetUtcNow() - at > interval;
    }

    private async Task RunIndexAsync(Entry entry, bool onlyIfStale, CancellationToken cancellationToken)
    {
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            // One run per repository across replicas; runs that ended elsewhere meanwhile are loaded first.
            await using var lease = await store.LockAsync(entry.Id, cancellationToken);
            if (await store.FindAsync(entry.Repo, entry.Branch, cancellationToken) is { } stored && stored.Version != entry.Version)
                await CatchUpAsync(entry, stored, cancellationToken);
            if (onlyIfStale && !IsStale(entry)) return; // another caller (or replica) refreshed it while we waited
            var fingerprint = TreeFingerprint.Compute(entry.Path);
            entry.Status = entry.Status with { State = IndexState.Indexing, Error = null };
            await store.SaveStatusAsync(entry.Id, entry.Status, cancellationToken);
            var clock = Stopwatch.StartNew();
            try
            {
                var lastLogged = 0L;
                var progress = new Progress<IndexProgress>(p =>
                {
                    if (clock.ElapsedMilliseconds - Interlocked.Read(ref lastLogged) < 2000 && p.Done != p.Total) return;
                    Interlocked.Exchange(ref lastLogged, clock.ElapsedMilliseconds);
                    logger.LogInformation("Indexing {Repo}@{Branch}: {Stage} {Done}/{Total}", entry.Repo, entry.Branch, p.Stage, p.Done, p.Total);
                });
                var report = await indexer.IndexAsync(entry.Path, entry.Index, store.FilesOf(entry.Id), progress, cancellationToken);
                entry.Status = new RepositoryStatus(IndexState.Ready, report.Files, report.Chunks, report.FilesChanged, report.FilesRemoved,
                    time.GetUtcNow(), (long)report.Duration.TotalMilliseconds, null, indexer.Embedder.ModelId, fingerprint);
                metrics.IndexRuns.Add(1, new KeyValuePair<string, object?>("outcome", "ready"));
                metrics.FilesIndexed.Add(report.FilesChanged);
            }
            catch (OperationCanceledException)
            {
                // A caller that stops waiting must not leave the repository marked as indexing for ever.
                entry.Status = entry.Status with
                {
                    State = IndexState.Failed,
                    Error = "Indexing was cancelled before it finished; the next IndexRepository call or search runs it again.",
                    DurationMs = clock.ElapsedMilliseconds,
                };
                entry.Version = await store.SaveStatusAsync(entry.Id, entry.Status, CancellationToken.None);
                throw;
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Indexing {Repo}@{Branch} at {Path} failed", entry.Repo, entry.Branch, entry.Path);
                entry.Status = entry.Status with { State = IndexState.Failed, Error = exception.Message, DurationMs = clock.ElapsedMilliseconds };
                metrics.IndexRuns.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            }
            metrics.IndexDuration.Record(clock.Elapsed.TotalMilliseconds);
            // The run is over: its outcome is stored even if the caller stopped waiting in the meantime.
            entry.Version = await store.SaveStatusAsync(entry.Id, entry.Status, CancellationToken.None);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static void ValidateName(string value, string field, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(value)) throw new InvalidRepositoryRequestException($"{field} is empty; name the repository (as registered with IndexRepository).");
        if (value.Length > MaxNameLength) throw new InvalidRepositoryRequestException($"{field} has {value.Length} characters; the limit is {MaxNameLength}.");
        if (value.Contains('\0')) throw new InvalidRepositoryRequestException($"{field} contains a NUL character.");
    }

    private sealed class Entry(long id, string repo, string branch, string path, CodeIndex index)
    {
        public long Id { get; } = id;
        public string Repo { get; } = repo;
        public string Branch { get; } = branch;
        public string Path { get; set; } = path;
        public CodeIndex Index { get; } = index;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public RepositoryStatus Status { get; set; } = RepositoryStatus.NotIndexed;

        /// <summary>The store's index version this entry's index reflects.</summary>
        public long Version { get; set; } = -1;

        public RegisteredRepository Snapshot() => new(Id, Repo, Branch, Path, Status, Version);
    }
}
