namespace RagService.Search;

/// <summary>A Qdrant call failed; the message names the operation and collection, never the API key.</summary>
public sealed class QdrantUnavailableException(string message, Exception inner) : Exception(message, inner);
