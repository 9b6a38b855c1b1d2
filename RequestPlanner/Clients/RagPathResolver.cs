using Contracts.Rag;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Validation;
using RagClient = Contracts.Rag.Rag.RagClient;

namespace RequestPlanner.Clients;

/// <summary>
/// <c>rag.v1.Rag/ResolvePaths</c>: which of a plan's paths exist in the indexed working tree. A path RagService
/// cannot normalise counts as missing. Failures propagate (a plan cannot be validated without the answer).
/// </summary>
public sealed class RagPathResolver(RagClient rag, PlannerOptions options, TimeProvider clock) : IPathResolver
{
    public async Task<IReadOnlySet<string>> ExistingAsync(string repo, string branch, IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var request = new ResolvePathsRequest { Repo = repo, Branch = branch };
        request.Paths.AddRange(paths);
        var reply = await rag.ResolvePathsAsync(request, deadline: options.DeadlineFrom(clock), cancellationToken: cancellationToken);

        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resolution in reply.Paths.Where(p => p.Exists))
        {
            existing.Add(resolution.Path);
            if (resolution.Normalized.Length > 0) existing.Add(resolution.Normalized);
        }
        return existing;
    }
}
