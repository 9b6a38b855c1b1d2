using RagService.Indexing;

namespace RagService.Search;

/// <summary>
/// Hybrid search over a <see cref="CodeIndex"/>: BM25 candidates and dense candidates (each retriever's best
/// <see cref="CandidatePool"/>), fused by <see cref="RelativeScoreFusion"/>; the best k chunks are the hits and the
/// fused candidates, aggregated per file by <see cref="FileRanker"/> and combined with the file-level signals by
/// <see cref="FileFusion"/>, give the file ranking.
/// </summary>
public sealed class HybridSearcher(IEmbedder embedder, RankingOptions? ranking = null)
{
    private readonly RankingOptions ranking = ranking ?? RankingOptions.Default;

    /// <summary>Candidates taken from each retriever, at least; a larger pool gives the file ranking more evidence.</summary>
    public const int CandidatePool = 200;

    public async Task<SearchResponse> SearchAsync(CodeIndex index, SearchRequest request, CancellationToken cancellationToken)
    {
        SearchLimits.Validate(request);
        var pool = Math.Max(CandidatePool, request.K * 4);
        var prefix = NormalisePrefix(request.PathPrefix);

        var terms = QueryAnalyzer.Analyze(request.Query);
        // The two retrievers are independent: the dense one runs on another core while this thread scores BM25.
        var denseSearch = request.Alpha > 0f
            ? Task.Run(() => DenseAsync(index, request, pool, prefix, cancellationToken), cancellationToken)
            : Task.FromResult(new Dictionary<long, double>());
        var lexical = new Dictionary<long, double>();
        try
        {
            if (request.Alpha < 1f)
            {
                foreach (var (id, score) in index.SearchLexical(terms, pool, prefix)) lexical[id] = score;
            }
        }
        finally
        {
            // Never leave the dense search running on behind a failed query.
            await ((Task)denseSearch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        var dense = await denseSearch.ConfigureAwait(false);

        var fused = RelativeScoreFusion.Fuse(dense, lexical, request.Alpha);
        var resolved = new List<(RelativeScoreFusion.Fused Score, CodeChunk Chunk)>(fused.Count);
        foreach (var f in fused)
        {
            if (index.Chunk(f.Id) is { } chunk) resolved.Add((f, chunk));
        }
        var hits = resolved.Take(request.K)
            .Select(r => new SearchHit(r.Score.Id, r.Chunk.Path, r.Chunk.StartLine, r.Chunk.EndLine, r.Chunk.Symbol, r.Chunk.Language, r.Chunk.Text,
                double.IsNaN(r.Score.Dense) ? 0 : r.Score.Dense, r.Score.Lexical, r.Score.Score))
            .ToList();
        var content = FileRanker.Rank(resolved.Select(r => (r.Chunk.Path, r.Score.Score)));
        var files = FileFusion.Rank(content, new FileQuery(terms, QueryAnalyzer.Identifiers(request.Query), prefix), index, ranking).Take(request.K).ToList();
        return new SearchResponse(hits, files);
    }

    private async Task<Dictionary<long, double>> DenseAsync(CodeIndex index, SearchRequest request, int pool, string? prefix, CancellationToken cancellationToken)
    {
        var dense = new Dictionary<long, double>();
        var query = await embedder.EmbedQueryAsync(request.Query, index.InverseDocumentFrequency, cancellationToken).ConfigureAwait(false);
        // With a path filter, over-fetch: the filter is applied after the vector search.
        var limit = prefix is null ? pool : pool * 8;
        foreach (var match in await index.Vectors.SearchAsync(query, limit, cancellationToken).ConfigureAwait(false))
        {
            if (dense.Count >= pool) break;
            var chunk = index.Chunk(match.Id);
            if (chunk is null) continue; // removed meanwhile
            if (prefix is not null && !chunk.Path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            dense[match.Id] = match.Score;
        }
        return dense;
    }

    private static string? NormalisePrefix(string? prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix)) return null;
        var p = prefix.Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        p = p.TrimStart('/');
        return p.Length == 0 ? null : p;
    }
}
