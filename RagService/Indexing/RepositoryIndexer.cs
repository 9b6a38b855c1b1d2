using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagService.History;
using RagService.Search;

namespace RagService.Indexing;

/// <summary>
/// Brings a <see cref="CodeIndex"/> in line with a working tree, incrementally: files whose content hash is
/// unchanged are neither re-chunked nor re-embedded; changed and new files are chunked, embedded and replace
/// their old chunks; files gone from the tree (or now ignored, binary or too large) leave the index. For a git
/// checkout, the index's history is then brought up to date (<see cref="HistoryRefresher"/>).
/// </summary>
public sealed class RepositoryIndexer(IEmbedder embedder, IndexingOptions options, ILogger<RepositoryIndexer>? logger = null)
{
    /// <summary>Chunks per embedder call.</summary>
    public const int EmbedBatchSize = 256;

    private readonly ILogger log = (ILogger?)logger ?? NullLogger.Instance;
    private readonly ChunkerSelector chunker = new(options.Chunking);
    private readonly HistoryRefresher history = new(options.History, logger);

    public IEmbedder Embedder => embedder;

    public async Task<IndexReport> IndexAsync(string root, CodeIndex index, IIndexStore? store = null, IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        store ??= NoIndexStore.Instance;
        var clock = Stopwatch.StartNew();
        var fullRoot = Path.GetFullPath(root);
        var selection = await new FileSelector(options, log).SelectAsync(fullRoot, cancellationToken).ConfigureAwait(false);
        var selected = selection.Files;
        log.LogInformation("Indexing {Root}: {Count} candidate files", fullRoot, selected.Count);

        var changed = new ConcurrentBag<(string Path, string Hash, List<CodeChunk> Chunks)>();
        var present = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        int binary = 0, tooLarge = 0;
        var scanned = 0;
        long bytesRead = 0;
        await Parallel.ForEachAsync(selected, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, async (file, ct) =>
        {
            var path = file.Path;
            var (content, skip) = await SourceFileReader.ReadAsync(file.RealPath, options.MaxFileBytes, ct).ConfigureAwait(false);
            if (content is null)
            {
                if (skip == SkipReason.Binary) Interlocked.Increment(ref binary);
                else Interlocked.Increment(ref tooLarge);
            }
            else
            {
                present[path] = true;
                if (index.FileHash(path) != content.Hash)
                {
                    Interlocked.Add(ref bytesRead, content.Bytes);
                    List<CodeChunk> chunks;
                    try
                    {
                        chunks = chunker.Chunk(path, content.Text);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A chunker bug must not lose the file: fall back to plain line windows.
                        log.LogWarning(e, "Structural chunking failed for {Path}; indexing it as plain text", path);
                        chunks = ChunkAssembler.Windows(path, SourceLanguage.FromPath(path), TextLines.Split(content.Text), options.Chunking);
                    }
                    changed.Add((path, content.Hash, chunks));
                }
            }
            var done = Interlocked.Increment(ref scanned);
            if (done % 50 == 0 || done == selected.Count) progress?.Report(new IndexProgress("scan", done, selected.Count));
        }).ConfigureAwait(false);

        var files = changed.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var totalChunks = files.Sum(f => f.Chunks.Count);
        var embeddedCount = 0;
        progress?.Report(new IndexProgress("embed", 0, totalChunks));
        // Embed in batches across files; write each file as soon as all its chunks have vectors. Two stages: while a
        // batch is written (store, vectors and postings: largely serial, under the index's lock), the next is embedded
        // and its terms counted on every core.
        var batch = new List<(int File, int Chunk)>();
        var vectors = files.Select(f => new float[f.Chunks.Count][]).ToArray();
        var nextReady = 0;
        var writing = Task.CompletedTask;
        try
        {
            for (var f = 0; f < files.Count; f++)
            {
                for (var c = 0; c < files[f].Chunks.Count; c++)
                {
                    batch.Add((f, c));
                    if (batch.Count >= EmbedBatchSize) await FlushAsync().ConfigureAwait(false);
                }
            }
            await FlushAsync().ConfigureAwait(false);
            var last = CodeIndex.Prepare(Ready(files.Count), cancellationToken);
            await writing.ConfigureAwait(false);
            await WriteAsync(last).ConfigureAwait(false);
        }
        finally
        {
            // A failed batch must not leave a write running on behind the caller's back.
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var removed = 0;
        foreach (var path in index.Paths())
        {
            if (present.ContainsKey(path)) continue;
            await index.RemoveFileAsync(path, cancellationToken).ConfigureAwait(false);
            await store.DeleteFileAsync(path, cancellationToken).ConfigureAwait(false);
            removed++;
        }

        await RefreshHistoryAsync(fullRoot, index, cancellationToken).ConfigureAwait(false);

        var skipped = new SkippedFiles(binary, tooLarge, selection.Ignored, selection.OutsideRoot);
        var report = new IndexReport(index.FileCount, index.ChunkCount, files.Count, removed, skipped, embeddedCount, bytesRead, clock.Elapsed);
        log.LogInformation("Indexed {Root}: {Files} files, {Chunks} chunks; {Changed} changed, {Removed} removed, {Skipped} skipped ({SkippedByReason}) in {Elapsed} ms",
            fullRoot, report.Files, report.Chunks, report.FilesChanged, report.FilesRemoved, report.FilesSkipped, skipped, (long)clock.Elapsed.TotalMilliseconds);
        return report;

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            var texts = batch.Select(b => EmbeddingText(files[b.File].Chunks[b.Chunk])).ToList();
            var embedded = await embedder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++) vectors[batch[i].File][batch[i].Chunk] = embedded[i];
            embeddedCount += batch.Count;
            var lastFileComplete = batch[^1].Chunk == files[batch[^1].File].Chunks.Count - 1 ? batch[^1].File + 1 : batch[^1].File;
            batch.Clear();
            progress?.Report(new IndexProgress("embed", embeddedCount, totalChunks));
            var prepared = CodeIndex.Prepare(Ready(lastFileComplete), cancellationToken);
            await writing.ConfigureAwait(false);
            writing = Task.Run(() => WriteAsync(prepared), cancellationToken);
        }

        // The files before `upTo` not yet handed on, with chunk ids in file order (so ids do not depend on timing).
        List<FileChunks> Ready(int upTo)
        {
            var ready = new List<FileChunks>(upTo - nextReady);
            for (; nextReady < upTo; nextReady++)
            {
                var (path, hash, chunks) = files[nextReady];
                var fileVectors = vectors[nextReady];
                ready.Add(new FileChunks(path, hash, chunks.Select((chunk, i) => new EmbeddedChunk(index.NextChunkId(), chunk, fileVectors[i])).ToList()));
                vectors[nextReady] = [];
            }
            return ready;
        }

        async Task WriteAsync(PreparedFiles prepared)
        {
            foreach (var (path, hash, entries) in prepared.Files) await store.SaveFileAsync(path, hash, entries, cancellationToken).ConfigureAwait(false);
            await index.PutFilesAsync(prepared, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Brings the index's history in line with the checkout at <paramref name="root"/> (no-op outside git).</summary>
    public Task RefreshHistoryAsync(string root, CodeIndex index, CancellationToken cancellationToken) =>
        history.RefreshAsync(Path.GetFullPath(root), index, cancellationToken);

    /// <summary>What the dense embedder sees for a chunk: where it lives and what it is called, then its text.</summary>
    public static string EmbeddingText(CodeChunk chunk) => $"{chunk.Path}\n{chunk.Symbol}\n{chunk.Text}";
}
