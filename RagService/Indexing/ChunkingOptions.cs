namespace RagService.Indexing;

/// <summary>Line budgets for chunks.</summary>
public sealed record ChunkingOptions
{
    /// <summary>A definition longer than this is split into parts of at most this many lines.</summary>
    public int MaxChunkLines { get; init; } = 80;

    /// <summary>Lines repeated between consecutive parts of a split definition, so no statement is cut blind.</summary>
    public int SplitOverlapLines { get; init; } = 8;

    /// <summary>Window size for text without structure (docs, config, unknown languages).</summary>
    public int WindowLines { get; init; } = 50;

    public int WindowOverlapLines { get; init; } = 10;

    /// <summary>Types this short stay one chunk instead of one per member.</summary>
    public int SmallContainerLines { get; init; } = 12;

    public static ChunkingOptions Default { get; } = new();
}
