namespace RagService.Search;

/// <summary>
/// One chunk in the results. <see cref="Dense"/> is the cosine similarity, <see cref="Lexical"/> the BM25 score
/// (raw, 0 when the chunk was not a lexical candidate), <see cref="Score"/> the fused relative score in [0, 1].
/// </summary>
public sealed record SearchHit(long Id, string Path, int StartLine, int EndLine, string Symbol, string Language, string Text, double Dense, double Lexical, double Score);

/// <summary>A file in the file-level ranking.</summary>
public sealed record FileHit(string Path, double Score);

public sealed record SearchResponse(IReadOnlyList<SearchHit> Hits, IReadOnlyList<FileHit> Files);
