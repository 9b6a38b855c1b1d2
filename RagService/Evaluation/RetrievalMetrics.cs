namespace RagService.Evaluation;

/// <summary>
/// File-level retrieval metrics over cases. R@k = |gold ∩ top k| / min(k, |gold|) (so R@1 is whether the first file is
/// gold), averaged over cases; MRR = 1 / rank of the first gold file within the top 10 (0 when none is), averaged.
/// </summary>
public sealed class RetrievalMetrics
{
    public const int Depth = 10;

    private double r1, r5, r10, reciprocal;

    public int Cases { get; private set; }

    public double RecallAt1 => Cases == 0 ? 0 : r1 / Cases;
    public double RecallAt5 => Cases == 0 ? 0 : r5 / Cases;
    public double RecallAt10 => Cases == 0 ? 0 : r10 / Cases;
    public double Mrr => Cases == 0 ? 0 : reciprocal / Cases;

    public void Add(IReadOnlyList<string> ranked, IReadOnlyCollection<string> gold)
    {
        Cases++;
        r1 += Recall(ranked, gold, 1);
        r5 += Recall(ranked, gold, 5);
        r10 += Recall(ranked, gold, 10);
        for (var i = 0; i < Math.Min(Depth, ranked.Count); i++)
        {
            if (!gold.Contains(ranked[i])) continue;
            reciprocal += 1.0 / (i + 1);
            break;
        }
    }

    public static double Recall(IReadOnlyList<string> ranked, IReadOnlyCollection<string> gold, int k) =>
        gold.Count == 0 ? 0 : (double)ranked.Take(k).Count(gold.Contains) / Math.Min(k, gold.Count);
}
