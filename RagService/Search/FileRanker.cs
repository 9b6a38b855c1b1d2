namespace RagService.Search;

/// <summary>
/// File-level ranking from chunk scores: a file scores its best chunk plus a geometrically decaying bonus for its
/// next best ones (<c>s1 + s2/2 + s3/4 + s4/8 + s5/16</c>). The best chunk still dominates, but a file with several
/// relevant chunks (a change usually touches a file in more than one place) beats one with a single lucky match;
/// capping at five keeps large files from winning by size alone. Measured on natural-language-to-file retrieval
/// (Python and JavaScript sources, this repository's commits), this beat max-only and lighter bonuses.
/// </summary>
public static class FileRanker
{
    private static readonly double[] Weights = [1.0, 0.5, 0.25, 0.125, 0.0625];

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
