using RagService.History;

namespace RagService.Evaluation;

/// <summary>
/// Mines and regenerates cases from a repository snapshot (a bare mirror or a clone with full history), applying
/// <see cref="CaseRules"/>. Regeneration reads only the commit (its message and changed files) and its parent's tree.
/// </summary>
public static class CommitCases
{
    /// <summary>The case of <paramref name="picked"/>'s commit, or null when it is not one (a merge, a root commit, the rules say no).</summary>
    public static async Task<MinedCase?> RegenerateAsync(string gitDir, EvalCase picked, CancellationToken cancellationToken)
    {
        var parents = (await Git.RunAsync(gitDir, cancellationToken, "rev-list", "--parents", "-n", "1", picked.Commit).ConfigureAwait(false))?.Trim().Split(' ');
        if (parents is not { Length: 2 }) return null; // unknown, root or merge commit
        var (commitId, parent) = (parents[0], parents[1]);
        var log = await GitLog.ReadAsync(gitDir, commitId, null, 1, cancellationToken).ConfigureAwait(false);
        if (log is not [var commit] || commit.Hash != commitId) return null;
        var tree = await Git.RunAsync(gitDir, cancellationToken, "ls-tree", "-r", "-z", "--name-only", parent).ConfigureAwait(false);
        if (tree is null) return null;
        var parentFiles = tree.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var gold = CaseRules.Gold(commit.Changes, parentFiles);
        var query = CaseRules.Query(commit.Message, commit.Changes);
        return gold.Count == 0 || query is null ? null : new MinedCase(picked with { Commit = commitId }, parent, commit.Time, query, gold);
    }

    /// <summary>
    /// Picks up to <paramref name="count"/> cases among the newest <paramref name="scan"/> non-merge commits, evenly spread
    /// over them, oldest first; alternately tune and held out.
    /// </summary>
    public static async Task<List<MinedCase>> MineAsync(string gitDir, string repository, string language, int count, int scan, CancellationToken cancellationToken)
    {
        var log = await GitLog.ReadAsync(gitDir, "HEAD", null, scan, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"'{gitDir}' is not a git repository with history.");
        // Cheap rules first (message, number and kind of files); the parent's tree is read only for the picks.
        var candidates = log
            .Where(c => CaseRules.Query(c.Message, c.Changes) is not null)
            .Where(c => CaseRules.Gold(c.Changes, c.Changes.Select(x => x.OldPath ?? x.Path).ToHashSet(StringComparer.Ordinal)).Count > 0)
            .Reverse()
            .ToList();
        var picked = new List<MinedCase>();
        var stride = Math.Max(1.0, (double)candidates.Count / count);
        for (var slot = 0.0; slot < candidates.Count && picked.Count < count; slot += stride)
        {
            var split = picked.Count % 2 == 0 ? EvalCase.Tune : EvalCase.HeldOut;
            var mined = await RegenerateAsync(gitDir, new EvalCase(repository, language, candidates[(int)slot].Hash, split), cancellationToken).ConfigureAwait(false);
            if (mined is not null) picked.Add(mined);
        }
        return picked;
    }
}
