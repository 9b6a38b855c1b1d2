namespace RagService.Search;

/// <summary>
/// Weaviate's relative score fusion: each retriever's candidate scores are min-max normalised to [0, 1]
/// (best 1, worst 0; a single candidate or all-equal scores give 1), then
/// <c>fused = alpha·dense + (1 − alpha)·lexical</c>, a candidate missing from one list counting 0 there.
/// Ties are broken by the raw score of the retriever alpha favours, then the other, so alpha = 0 and
/// alpha = 1 give exactly the pure lexical and pure dense orders.
/// </summary>
public static class RelativeScoreFusion
{
    public readonly record struct Fused(long Id, double Dense, double Lexical, double Score);

    public static List<Fused> Fuse(IReadOnlyDictionary<long, double> dense, IReadOnlyDictionary<long, double> lexical, double alpha)
    {
        var denseNorm = Normalise(dense);
        var lexicalNorm = Normalise(lexical);
        var result = new List<Fused>(dense.Count + lexical.Count);
        foreach (var id in dense.Keys.Union(lexical.Keys))
        {
            var d = denseNorm.GetValueOrDefault(id);
            var l = lexicalNorm.GetValueOrDefault(id);
            result.Add(new Fused(id, dense.GetValueOrDefault(id, double.NaN), lexical.GetValueOrDefault(id), alpha * d + (1 - alpha) * l));
        }
        var denseFirst = alpha >= 0.5;
        result.Sort((a, b) =>
        {
            var c = b.Score.CompareTo(a.Score);
            if (c != 0) return c;
            var (a1, b1, a2, b2) = denseFirst
                ? (Raw(a.Dense), Raw(b.Dense), a.Lexical, b.Lexical)
                : (a.Lexical, b.Lexical, Raw(a.Dense), Raw(b.Dense));
            c = b1.CompareTo(a1);
            if (c != 0) return c;
            c = b2.CompareTo(a2);
            return c != 0 ? c : a.Id.CompareTo(b.Id);
        });
        return result;

        static double Raw(double dense) => double.IsNaN(dense) ? double.NegativeInfinity : dense;
    }

    public static Dictionary<long, double> Normalise(IReadOnlyDictionary<long, double> scores)
    {
        var normalised = new Dictionary<long, double>(scores.Count);
        if (scores.Count == 0) return normalised;
        var min = scores.Values.Min();
        var max = scores.Values.Max();
        var range = max - min;
        foreach (var (id, score) in scores) normalised[id] = range > 0 ? (score - min) / range : 1.0;
        return normalised;
    }
}
