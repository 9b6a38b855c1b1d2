using Contracts.Rag;
using Microsoft.Extensions.Logging;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Retrieval;
using ServiceDefaults.Grpc;

namespace RequestPlanner.Clients;

/// <summary>
/// <c>rag.v1.Rag/HybridSearch</c> over our gRPC client. A repository RagService does not know (NOT_FOUND,
/// INVALID_ARGUMENT, FAILED_PRECONDITION) plans without context rather than failing: the planners say so.
/// Other failures (UNAVAILABLE, DEADLINE_EXCEEDED...) propagate so the consumer loop retries the message.
/// </summary>
public sealed class RagContextRetriever(GrpcClient rag, PlannerOptions options, ILogger<RagContextRetriever> logger) : IContextRetriever
{
    public const string Service = "rag.v1.Rag";

    public async Task<HybridSearchReply> SearchAsync(HybridSearchRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await rag.UnaryAsync<HybridSearchRequest, HybridSearchReply>(
                Service, "HybridSearch", request, options.DependencyTimeout, cancellationToken);
        }
        catch (RpcException e) when (e.Status is GrpcStatusCode.NotFound or GrpcStatusCode.InvalidArgument or GrpcStatusCode.FailedPrecondition)
        {
            logger.LogWarning("HybridSearch for {Repo}@{Branch} answered {Status} ({Detail}); planning without retrieved context",
                request.Repo, request.Branch, e.Status, e.Detail);
            return new HybridSearchReply();
        }
    }
}
