namespace RagService.Indexing;

/// <summary>Where an indexing run is: <see cref="Stage"/> is "scan" (files read and chunked) or "embed" (chunks embedded).</summary>
public sealed record IndexProgress(string Stage, int Done, int Total);
