namespace RagService.History;

/// <summary>
/// What the history says about one current file: the messages of the commits that touched it (newest first, bounded),
/// how many commits touched it, and the position of the newest of them in the history (0 = the head commit).
/// </summary>
public sealed record FileHistory(IReadOnlyList<string> Messages, int Commits, int NewestCommit);
