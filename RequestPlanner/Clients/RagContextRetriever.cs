using Contracts.Rag;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Retrieval;
using RagClient = Contracts.Rag.Rag.RagClient;

namespace RequestPlanner.Clients;

/// <summary>
/// <c>rag.v1.Rag/HybridSearch</c>. A repository RagService does not know (NOT_FOUND, INVALID_ARGUMENT,
/// FAILED_PRECONDITION) plans without context rather than failing: the planners say so. Other failures
/// (UNAVAILABLE after the client's retries, DEADLINE_EXCEEDED...) propagate so the consumer loop retries the message.
/// </summary>
public sealed class RagContextRetriever(RagClient rag, PlannerOptions options, TimeProvider clock, ILogger<RagContextRetriever> logger)
    : IContextRetriever
{
    public async Task<HybridSearchReply> SearchAsync(HybridSearchRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await rag.HybridSearchAsync(request, deadline: options.DeadlineFrom(clock), cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
        {
            logger.LogWarning("HybridSearch for {Repo}@{Branch} answered {Status} ({Detail}); planning without retrieved context",
                request.Repo, request.Branch, e.StatusCode, e.Status.Detail);
            return new HybridSearchReply();
        }
    }
}
