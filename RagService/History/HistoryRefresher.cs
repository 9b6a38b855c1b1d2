using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagService.Search;

namespace RagService.History;

/// <summary>
/// Keeps an index's history in line with its checkout: nothing to do when HEAD and the file set are unchanged; only the
/// new commits (<c>git log old..new</c>) when the old head is an ancestor of the new one; the whole (bounded) log otherwise.
/// Outside git the index has no history and ranks as without it.
/// </summary>
public sealed class HistoryRefresher(HistoryOptions options, ILogger? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    public Task RefreshAsync(string root, CodeIndex index, CancellationToken cancellationToken) => RefreshAsync(root, "HEAD", index, cancellationToken);

    /// <summary>The history of <paramref name="revision"/> as seen from <paramref name="root"/> (a checkout or a bare repository).</summary>
    public async Task RefreshAsync(string root, string revision, CodeIndex index, CancellationToken cancellationToken)
    {
        if (!options.Enabled) return; // then no index ever gets a history
        var head = await GitLog.ResolveAsync(root, revision, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            index.History = null;
            return;
        }
        var paths = index.Paths();
        var current = index.History;
        if (current is not null && current.Log.Head == head && current.Paths.Count == paths.Count && paths.All(current.Paths.Contains)) return;

        RepositoryHistory? history = null;
        if (current is not null && current.Log.Head == head)
        {
            history = current.Log;
        }
        else if (current is not null && await GitLog.IsAncestorAsync(root, current.Log.Head, head, cancellationToken).ConfigureAwait(false))
        {
            var newer = await GitLog.ReadAsync(root, head, current.Log.Head, options.MaxCommits, cancellationToken).ConfigureAwait(false);
            if (newer is not null) history = current.Log.Extend(head, newer, options.MaxCommits);
        }
        if (history is null)
        {
            var commits = await GitLog.ReadAsync(root, head, null, options.MaxCommits, cancellationToken).ConfigureAwait(false);
            if (commits is null)
            {
                index.History = null;
                return;
            }
            history = new RepositoryHistory(head, commits);
        }
        var field = HistoryField.Build(FileHistoryBuilder.Build(history, paths, options));
        index.History = new IndexHistory(history, paths.ToHashSet(StringComparer.Ordinal), field);
        log.LogInformation("History of {Root} at {Head}: {Commits} commits describe {Files} of {Total} files",
            root, head[..Math.Min(12, head.Length)], history.Commits.Count, field.FileCount, paths.Count);
    }
}
