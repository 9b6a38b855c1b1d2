namespace RagService.Indexing;

/// <summary>What an indexing run did.</summary>
/// <param name="Files">Files in the index afterwards.</param>
/// <param name="Chunks">Chunks in the index afterwards.</param>
/// <param name="FilesChanged">Files new or changed since the last run (re-chunked and re-embedded).</param>
/// <param name="FilesRemoved">Files that left the index (deleted, now ignored, now too large or binary).</param>
/// <param name="Skipped">Files listed but not indexed, by reason.</param>
/// <param name="ChunksEmbedded">Chunks embedded in this run.</param>
/// <param name="BytesRead">Bytes of the files read in this run.</param>
public sealed record IndexReport(int Files, int Chunks, int FilesChanged, int FilesRemoved, SkippedFiles Skipped, int ChunksEmbedded, long BytesRead, TimeSpan Duration)
{
    public int FilesSkipped => Skipped.Total;
}
