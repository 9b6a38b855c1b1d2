namespace RagService.History;

/// <summary>The commits read for one index: <see cref="Head"/> and the commits reachable from it, newest first, bounded.</summary>
public sealed record RepositoryHistory(string Head, IReadOnlyList<GitCommit> Commits)
{
    /// <summary>The history at <paramref name="newHead"/>, given the commits between the old head and it (newest first).</summary>
    public RepositoryHistory Extend(string newHead, IReadOnlyList<GitCommit> newer, int maxCommits) =>
        new(newHead, newer.Concat(Commits).Take(maxCommits).ToList());
}
