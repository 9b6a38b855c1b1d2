namespace RequestPlanner.Planning.Validation;

/// <summary>
/// Answers which repository paths exist on a branch. The service asks RagService
/// (<c>rag.v1.Rag/ResolvePaths</c>); tests use an in-memory set.
/// </summary>
public interface IPathResolver
{
    /// <summary>For each of the given (already normalised) paths, whether it exists.</summary>
    Task<IReadOnlySet<string>> ExistingAsync(string repo, string branch, IReadOnlyCollection<string> paths, CancellationToken cancellationToken);
}
