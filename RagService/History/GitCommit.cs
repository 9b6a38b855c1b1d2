namespace RagService.History;

/// <summary>One file a commit touched: git's status letter (A, M, D, R, C, T), its path and, for renames and copies, the old path.</summary>
public sealed record GitFileChange(char Status, string Path, string? OldPath = null);

/// <summary>A non-merge commit: id, commit time (Unix seconds), full message and the files it changed.</summary>
public sealed record GitCommit(string Hash, long Time, string Message, IReadOnlyList<GitFileChange> Changes);
