namespace RagService.Search;

/// <summary>
/// Weights of the file-level signals fused with the content score (configuration section <c>Rag:Ranking</c>).
/// Each signal is normalised to [0, 1] over the candidates (the best file 1), then
/// <c>score = content + History·history + Path·path + Recency·recency + Identifier·identifier</c>, times
/// <see cref="TestFileFactor"/> for test files when the request is not about tests.
/// Defaults tuned on the tune half of the commit-history benchmark (README, "Retrieval quality").
/// </summary>
public sealed record RankingOptions
{
    /// <summary>BM25 of the query against the messages of the commits that touched the file.</summary>
    public double History { get; init; } = 1.0;

    /// <summary>BM25 of the query against the file's path (folders, file name), one document per file.</summary>
    public double Path { get; init; } = 0.3;

    /// <summary>How recently the file changed (e^(−commits since its last change / <see cref="RecencyScaleCommits"/>)); only for files with other evidence.</summary>
    public double Recency { get; init; } = 0.3;

    public double RecencyScaleCommits { get; init; } = 200;

    /// <summary>Files that define (or are named after) an identifier the request names; large enough to rank them first.</summary>
    public double Identifier { get; init; } = 2.0;

    /// <summary>An identifier defined in more files than this is too common to point at any of them.</summary>
    public int MaxIdentifierFiles { get; init; } = 5;

    /// <summary>Multiplier of a test or spec file's score unless the request is about tests.</summary>
    public double TestFileFactor { get; init; } = 0.4;

    /// <summary>Files taken from the history and path fields as candidates besides those the chunks bring.</summary>
    public int FieldCandidates { get; init; } = 50;

    public static RankingOptions Default { get; } = new();

    /// <summary>Chunk content only: the ranking before history and file signals (the benchmark's baseline).</summary>
    public static RankingOptions ContentOnly { get; } = new() { History = 0, Path = 0, Recency = 0, Identifier = 0, TestFileFactor = 1, FieldCandidates = 0 };

    public bool IsContentOnly => History == 0 && Path == 0 && Recency == 0 && Identifier == 0 && TestFileFactor == 1;
}
