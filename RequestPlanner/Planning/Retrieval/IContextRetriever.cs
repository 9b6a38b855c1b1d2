using Contracts.Rag;

namespace RequestPlanner.Planning.Retrieval;

/// <summary>Code retrieval for a request (<c>rag.v1.Rag/HybridSearch</c>); faked in unit tests.</summary>
public interface IContextRetriever
{
    Task<HybridSearchReply> SearchAsync(HybridSearchRequest request, CancellationToken cancellationToken);
}
