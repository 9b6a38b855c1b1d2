namespace RagService.Search;

/// <summary>A hybrid search. <see cref="Alpha"/> follows Weaviate: 1 = dense only, 0 = lexical only.</summary>
public sealed record SearchRequest(string Query, int K = SearchLimits.DefaultK, float Alpha = SearchLimits.DefaultAlpha, string? PathPrefix = null);
