using RagService.History;
using RagService.Search;

namespace RagService.Repositories;

/// <summary>Configuration section <c>Rag</c>.</summary>
public sealed class RagOptions
{
    public const string Section = "Rag";

    /// <summary>Folders under which working trees may be indexed; IndexRepository elsewhere is PERMISSION_DENIED.</summary>
    public List<string> WorkspaceRoots { get; set; } = [];

    /// <summary>
    /// A READY index older than this is refreshed (incrementally) before a search; the git HEAD or index
    /// changing refreshes it at once. Zero disables the age check.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    public long MaxFileBytes { get; set; } = 512 * 1024;

    /// <summary>Weights of the file-ranking signals (<see cref="RankingOptions"/> documents the defaults).</summary>
    public RankingOptions Ranking { get; set; } = RankingOptions.Default;

    /// <summary>How much git history is read per index (<see cref="HistoryOptions"/>).</summary>
    public HistoryOptions History { get; set; } = HistoryOptions.Default;
}
