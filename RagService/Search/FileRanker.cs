namespace RagService.Search;

/// <summary>
/// File-level ranking from chunk scores: a file scores its best chunk plus a small, decaying bonus for further
/// good chunks (<c>s1 + 0.15·s2 + 0.05·s3</c>). The best chunk dominates, so a large file with many mediocre chunks
/// does not beat a small file with one excellent chunk, but of two files with equal best chunks the one with more
/// evidence wins.
/// </summary>
public static class FileRanker
{
    private static readonly double[] Weights = [1.0, Tune.Get("F2", 0.15), Tune.Get("F3", 0.05), Tune.Get("F4", 0), Tune.Get("F5", 0)];

    public static List<FileHit> Rank(IEnumerable<(string Path, double Score)> chunkScores)
    {
        return chunkScores
            .GroupBy(c => c.Path, StringComparer.Ordinal)
            .Select(g =>
            {
                var top = g.Select(c => c.Score).OrderByDescending(s => s).Take(Weights.Length).ToArray();
                var score = 0.0;
                for (var i = 0; i < top.Length; i++) score += Weights[i] * top[i];
                return new FileHit(g.Key, score);
            })
            .OrderByDescending(f => f.Score)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
    }
}
