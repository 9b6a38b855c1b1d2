using RagService.History;
using RagService.Indexing;

namespace RagService.Search;

/// <summary>
/// The searchable state of one repository: files with their content hashes, chunks, the BM25 index and the
/// dense vector index, the file-level fields (<see cref="FileFields"/>) and, for a git checkout, its history.
/// Files are replaced or removed as a whole, which is what incremental indexing needs.
/// Safe for concurrent searches and updates (a reader/writer lock; updates are rare and short).
/// </summary>
public sealed class CodeIndex(IVectorIndex vectors)
{
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, IndexedFile> files = new(StringComparer.Ordinal);
    private readonly Dictionary<long, CodeChunk> chunks = [];
    private readonly Bm25Index lexical = new();
    private readonly FileFields fields = new();
    private volatile IndexHistory? history;
    private long lastId;

    public CodeIndex() : this(new QuantizedVectorIndex()) { }

    public IVectorIndex Vectors => vectors;

    /// <summary>The history the index was last refreshed with; null outside git (or with history off).</summary>
    public IndexHistory? History
    {
        get => history;
        set => history = value;
    }

    public int FileCount => Read(() => files.Count);

    public int ChunkCount => Read(() => chunks.Count);

    /// <summary>Ids for new chunks; callers that persist chunks may bring their own ids instead.</summary>
    public long NextChunkId() => Interlocked.Increment(ref lastId);

    public string? FileHash(string path) => Read(() => files.TryGetValue(path, out var f) ? f.Hash : null);

    public bool ContainsFile(string path) => Read(() => files.ContainsKey(path));

    public IReadOnlyList<string> Paths() => Read(() => files.Keys.Order(StringComparer.Ordinal).ToList());

    public CodeChunk? Chunk(long id) => Read(() => chunks.GetValueOrDefault(id));

    public IReadOnlyList<CodeChunk> ChunksOf(string path) =>
        Read(() => files.TryGetValue(path, out var f) ? f.ChunkIds.Select(id => chunks[id]).ToList() : []);

    /// <summary>Puts a file's chunks in place of whatever the file had before.</summary>
    public Task PutFileAsync(string path, string hash, IReadOnlyList<EmbeddedChunk> fileChunks, CancellationToken cancellationToken) =>
        PutFilesAsync([new FileChunks(path, hash, fileChunks)], cancellationToken);

    /// <summary>Puts each file's chunks in place of whatever the file had before (a batch shares the work of its vectors and terms).</summary>
    public Task PutFilesAsync(IReadOnlyList<FileChunks> batch, CancellationToken cancellationToken) =>
        PutFilesAsync(Prepare(batch, cancellationToken), cancellationToken);

    /// <summary>Counts a batch's terms, most of the work of the lexical index: on every core, before the index is locked.</summary>
    private static PreparedFiles Prepare(IReadOnlyList<FileChunks> batch, CancellationToken cancellationToken)
    {
        var all = batch.SelectMany(f => f.Chunks).ToList();
        var terms = new Bm25Terms[all.Count];
        Parallel.For(0, all.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            terms[i] = Bm25Terms.FromChunk(all[i].Chunk.Path, all[i].Chunk.Symbol, all[i].Chunk.Text));
        return new PreparedFiles(batch, terms);
    }

    /// <summary>Puts each prepared file's chunks in place of whatever the file had before.</summary>
    public async Task PutFilesAsync(PreparedFiles prepared, CancellationToken cancellationToken)
    {
        var (batch, documents) = prepared;
        foreach (var file in batch) await RemoveFileAsync(file.Path, cancellationToken).ConfigureAwait(false);
        await vectors.UpsertAsync(batch.SelectMany(f => f.Chunks.Select(c => new VectorEntry(c.Id, f.Path, c.Vector))).ToList(), cancellationToken).ConfigureAwait(false);
        Write(() =>
        {
            var next = 0;
            foreach (var (path, hash, fileChunks) in batch)
            {
                foreach (var chunk in fileChunks)
                {
                    chunks[chunk.Id] = chunk.Chunk;
                    lexical.Add(chunk.Id, documents[next++]);
                    InterlockedMax(chunk.Id);
                }
                files[path] = new IndexedFile(hash, fileChunks.Select(c => c.Id).ToArray());
                fields.Put(path, fileChunks.Select(c => c.Chunk).ToList());
            }
        });
    }

    public async Task<bool> RemoveFileAsync(string path, CancellationToken cancellationToken)
    {
        IndexedFile? removed = null;
        Write(() =>
        {
            if (!files.Remove(path, out removed)) return;
            fields.Remove(path);
            foreach (var id in removed.ChunkIds)
            {
                chunks.Remove(id);
                lexical.Remove(id);
            }
        });
        if (removed is null) return false;
        await vectors.RemoveFileAsync(path, removed.ChunkIds, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public double InverseDocumentFrequency(string term) => Read(() => lexical.InverseDocumentFrequency(term));

    /// <summary>Distinct terms and postings of the lexical index.</summary>
    public (int Terms, long Postings) LexicalSize() => Read(lexical.Size);

    /// <summary>Approximate bytes the lexical index holds.</summary>
    public long LexicalMemoryBytes() => Read(lexical.MemoryBytes);

    /// <summary>BM25 scores of every chunk that matches at least one term.</summary>
    public Dictionary<long, double> ScoreLexical(IReadOnlyList<WeightedTerm> terms) => Read(() => lexical.Score(terms));

    /// <summary>The best <paramref name="limit"/> chunks by BM25 (under <paramref name="pathPrefix"/> when given), best first.</summary>
    public List<(long Id, double Score)> SearchLexical(IReadOnlyList<WeightedTerm> terms, int limit, string? pathPrefix = null) =>
        Read(() => lexical.Search(terms, limit, pathPrefix is null ? null : id => chunks.TryGetValue(id, out var c) && c.Path.StartsWith(pathPrefix, StringComparison.Ordinal)));

    /// <summary>The best files by the file-level path field (one document per file).</summary>
    public List<(string Path, double Score)> SearchPaths(IReadOnlyList<WeightedTerm> terms, int limit, Func<string, bool>? filter = null) =>
        Read(() => fields.SearchPaths(terms, limit, filter));

    /// <summary>The files that define an identifier or are named after it (case-insensitive).</summary>
    public IReadOnlyList<string> Defining(string identifier) => Read(() => fields.Defining(identifier).ToList());

    private void InterlockedMax(long id)
    {
        long current;
        while ((current = Interlocked.Read(ref lastId)) < id && Interlocked.CompareExchange(ref lastId, id, current) != current) { }
    }

    private T Read<T>(Func<T> read)
    {
        gate.EnterReadLock();
        try { return read(); }
        finally { gate.ExitReadLock(); }
    }

    private void Write(Action write)
    {
        gate.EnterWriteLock();
        try { write(); }
        finally { gate.ExitWriteLock(); }
    }

    private sealed record IndexedFile(string Hash, long[] ChunkIds);
}

/// <summary>A file's content hash and its chunks, ready for <see cref="CodeIndex.PutFilesAsync(IReadOnlyList{FileChunks}, CancellationToken)"/>.</summary>
public sealed record FileChunks(string Path, string Hash, IReadOnlyList<EmbeddedChunk> Chunks);

/// <summary>Files with their chunks' BM25 terms already counted, in chunk order (indexing counts them while it embeds).</summary>
public sealed record PreparedFiles(IReadOnlyList<FileChunks> Files, Bm25Terms[] Terms);
