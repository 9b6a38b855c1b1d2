using System.Diagnostics;
using System.Threading.Channels;
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

    /// <summary>Files read and chunked in parallel at a time; the next block is scanned while this one is embedded.</summary>
    private const int ScanBlockSize = 64;

    public async Task<IndexReport> IndexAsync(string root, CodeIndex index, IIndexStore? store = null, IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        store ??= NoIndexStore.Instance;
        var clock = Stopwatch.StartNew();
        var fullRoot = Path.GetFullPath(root);
        var selection = await new FileSelector(options, log).SelectAsync(fullRoot, cancellationToken).ConfigureAwait(false);
        var selected = selection.Files;
        log.LogInformation("Indexing {Root}: {Count} candidate files", fullRoot, selected.Count);

        // Three stages, so that every core stays busy: files are read and chunked block by block (in path order, so
        // chunk ids do not depend on timing); their chunks are embedded and their terms counted in batches; and each
        // batch is written (store, vectors and postings: largely serial, under the index's lock) while the next is embedded.
        var present = new HashSet<string>(StringComparer.Ordinal);
        int binary = 0, tooLarge = 0, scanned = 0, totalChunks = 0, embeddedCount = 0;
        long bytesRead = 0;
        var files = new List<(string Path, string Hash, List<CodeChunk> Chunks)>();
        var analysed = new List<(float[] Vector, Bm25Terms Terms)[]>();
        var batch = new List<(int File, int Chunk)>();
        var nextReady = 0;
        var writing = Task.CompletedTask;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var blocks = Channel.CreateBounded<ScannedFile[]>(2);
        var scanning = Task.Run(() => ScanAsync(selected, index, blocks.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var block in blocks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var file in block)
                {
                    if (file.Skipped == SkipReason.Binary) binary++;
                    else if (file.Skipped == SkipReason.TooLarge) tooLarge++;
                    else present.Add(file.Path);
                    if (file.Chunks is null) continue;
                    bytesRead += file.Bytes;
                    totalChunks += file.Chunks.Count;
                    files.Add((file.Path, file.Hash!, file.Chunks));
                    analysed.Add(new (float[], Bm25Terms)[file.Chunks.Count]);
                    for (var c = 0; c < file.Chunks.Count; c++)
                    {
                        batch.Add((files.Count - 1, c));
                        if (batch.Count >= EmbedBatchSize) await FlushAsync().ConfigureAwait(false);
                    }
                }
                scanned += block.Length;
                progress?.Report(new IndexProgress("scan", scanned, selected.Count));
            }
            await scanning.ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
            var last = Ready(files.Count);
            await writing.ConfigureAwait(false);
            await WriteAsync(last).ConfigureAwait(false);
        }
        finally
        {
            // A failure in one stage stops the others before the caller goes on.
            await stop.CancelAsync().ConfigureAwait(false);
            await scanning.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var removed = 0;
        foreach (var path in index.Paths())
        {
            if (present.Contains(path)) continue;
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
            await AnalyzeAsync().ConfigureAwait(false);
            embeddedCount += batch.Count;
            var lastFileComplete = batch[^1].Chunk == files[batch[^1].File].Chunks.Count - 1 ? batch[^1].File + 1 : batch[^1].File;
            batch.Clear();
            progress?.Report(new IndexProgress("embed", embeddedCount, totalChunks));
            var prepared = Ready(lastFileComplete);
            await writing.ConfigureAwait(false);
            writing = Task.Run(() => WriteAsync(prepared), cancellationToken);
        }

        // The batch's vectors and BM25 terms, on every core.
        async Task AnalyzeAsync()
        {
            var parallel = new ParallelOptions { CancellationToken = cancellationToken };
            if (embedder is ITermEmbedder termEmbedder)
            {
                Parallel.For(0, batch.Count, parallel, i => analysed[batch[i].File][batch[i].Chunk] = ChunkAnalysis.Analyze(termEmbedder, files[batch[i].File].Chunks[batch[i].Chunk]));
                return;
            }
            var embedded = await embedder.EmbedAsync(batch.Select(b => EmbeddingText(files[b.File].Chunks[b.Chunk])).ToList(), cancellationToken).ConfigureAwait(false);
            Parallel.For(0, batch.Count, parallel, i =>
            {
                var chunk = files[batch[i].File].Chunks[batch[i].Chunk];
                analysed[batch[i].File][batch[i].Chunk] = (embedded[i], Bm25Terms.FromChunk(chunk.Path, chunk.Symbol, chunk.Text));
            });
        }

        // The files before `upTo` not yet handed on, with chunk ids in file order.
        PreparedFiles Ready(int upTo)
        {
            var ready = new List<FileChunks>(upTo - nextReady);
            var terms = new List<Bm25Terms>();
            for (; nextReady < upTo; nextReady++)
            {
                var (path, hash, chunks) = files[nextReady];
                var results = analysed[nextReady];
                ready.Add(new FileChunks(path, hash, chunks.Select((chunk, i) => new EmbeddedChunk(index.NextChunkId(), chunk, results[i].Vector)).ToList()));
                terms.AddRange(results.Select(r => r.Terms));
                analysed[nextReady] = [];
            }
            return new PreparedFiles(ready, [.. terms]);
        }

        async Task WriteAsync(PreparedFiles prepared)
        {
            foreach (var (path, hash, entries) in prepared.Files) await store.SaveFileAsync(path, hash, entries, cancellationToken).ConfigureAwait(false);
            await index.PutFilesAsync(prepared, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads and chunks the selected files, a block at a time in parallel, handing each block on in path order.</summary>
    private async Task ScanAsync(IReadOnlyList<SelectedFile> selected, CodeIndex index, ChannelWriter<ScannedFile[]> blocks, CancellationToken cancellationToken)
    {
        try
        {
            var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
            foreach (var block in selected.Chunk(ScanBlockSize))
            {
                var scanned = new ScannedFile[block.Length];
                await Parallel.ForAsync(0, block.Length, parallel, async (i, ct) => scanned[i] = await ReadAndChunkAsync(block[i], index, ct).ConfigureAwait(false)).ConfigureAwait(false);
                await blocks.WriteAsync(scanned, cancellationToken).ConfigureAwait(false);
            }
            blocks.Complete();
        }
        catch (Exception e)
        {
            blocks.Complete(e);
        }
    }

    /// <summary>A file read, and chunked when its content differs from what the index holds.</summary>
    private async Task<ScannedFile> ReadAndChunkAsync(SelectedFile file, CodeIndex index, CancellationToken cancellationToken)
    {
        var path = file.Path;
        var (content, skip) = await SourceFileReader.ReadAsync(file.RealPath, options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        if (content is null) return new ScannedFile(path, skip, null, null, 0);
        if (index.FileHash(path) == content.Hash) return new ScannedFile(path, null, content.Hash, null, 0);
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
        return new ScannedFile(path, null, content.Hash, chunks, content.Bytes);
    }

    /// <summary>A file as read: skipped (and why), unchanged (no chunks), or changed with its new chunks.</summary>
    private sealed record ScannedFile(string Path, SkipReason? Skipped, string? Hash, List<CodeChunk>? Chunks, long Bytes);

    /// <summary>Brings the index's history in line with the checkout at <paramref name="root"/> (no-op outside git).</summary>
    public Task RefreshHistoryAsync(string root, CodeIndex index, CancellationToken cancellationToken) =>
        history.RefreshAsync(Path.GetFullPath(root), index, cancellationToken);

    /// <summary>What the dense embedder sees for a chunk: where it lives and what it is called, then its text.</summary>
    public static string EmbeddingText(CodeChunk chunk) => $"{chunk.Path}\n{chunk.Symbol}\n{chunk.Text}";
}
