namespace RagService.History;

/// <summary>The history attached to an index: the commits read, the current paths they were attributed to, and the field built from them.</summary>
public sealed record IndexHistory(RepositoryHistory Log, IReadOnlySet<string> Paths, HistoryField Field);
