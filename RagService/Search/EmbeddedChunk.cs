using RagService.Indexing;

namespace RagService.Search;

/// <summary>A chunk with its id and dense vector, ready for the indexes.</summary>
public sealed record EmbeddedChunk(long Id, CodeChunk Chunk, float[] Vector);
