namespace RagService.History;

/// <summary>How much of a repository's git history feeds retrieval (configuration section <c>Rag:History</c>).</summary>
public sealed record HistoryOptions
{
    /// <summary>Read the history when the indexed folder is a git checkout. Off: the ranking ignores history.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Newest commits read (first-parent order does not matter; merges are left out). Bounds the cost on huge histories.</summary>
    public int MaxCommits { get; init; } = 20_000;

    /// <summary>Messages kept per file, newest first: a file's recent history describes what it is today.</summary>
    public int MaxMessagesPerFile { get; init; } = 40;

    /// <summary>Characters kept of each message (subject and the start of the body).</summary>
    public int MaxMessageChars { get; init; } = 600;

    /// <summary>
    /// Commits that changed more files than this (reformatting, licence headers, mass renames) add no message to any file:
    /// their words describe none of them. Their renames are still followed, and they still count as changes (recency).
    /// </summary>
    public int MaxFilesPerCommit { get; init; } = 50;

    public static HistoryOptions Default { get; } = new();
}
