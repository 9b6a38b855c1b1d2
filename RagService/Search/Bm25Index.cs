namespace RagService.Search;

/// <summary>
/// BM25F over three fields (path, symbol, body) with in-place add and remove.
/// Per term and document, field frequencies are length-normalised and weighted, then saturated once:
/// <c>tf~ = Σ_f w_f·tf_f / (1 − b_f + b_f·len_f/avglen_f)</c>, <c>score = Σ_t q_t · idf_t · tf~·(k1+1) / (tf~ + k1)</c>,
/// <c>idf_t = ln(1 + (N − df + 0.5)/(df + 0.5))</c>.
/// k1 = 1.2 (standard; saturation after a handful of occurrences). b: body 0.75 (standard), symbol 0.5,
/// path 0.3 (paths are short and similar in length; normalising them hard would punish deep folders).
/// Weights: symbol 3, path 2, body 1 — names are the strongest evidence of what code is about.
/// Not thread-safe on its own: <see cref="CodeIndex"/> serialises access.
/// </summary>
public sealed class Bm25Index
{
    public const double K1 = 1.2;
    private static readonly double[] FieldWeights = [2.0, 3.0, 1.0];
    private static readonly double[] FieldB = [0.3, 0.5, 0.75];
    private const int FieldCount = 3;

    private readonly Dictionary<string, TermPostings> postings = new(StringComparer.Ordinal);
    private readonly Dictionary<long, DocumentEntry> documents = [];
    private readonly long[] totalFieldLengths = new long[FieldCount];
    private readonly HashSet<long> removedSinceCompaction = [];
    private int deletedPostings;
    private int livePostings;

    public int DocumentCount => documents.Count;

    public void Add(long id, Bm25Document document)
    {
        if (documents.ContainsKey(id)) Remove(id);
        // Stale postings of an id that comes back would count twice: drop them first.
        if (removedSinceCompaction.Contains(id)) Compact();
        var frequencies = new Dictionary<string, ushort[]>(StringComparer.Ordinal);
        var lengths = new int[FieldCount];
        Count(document.PathTerms, 0);
        Count(document.SymbolTerms, 1);
        Count(document.BodyTerms, 2);
        foreach (var (term, tf) in frequencies)
        {
            if (!postings.TryGetValue(term, out var list))
            {
                list = new TermPostings();
                postings[term] = list;
            }
            list.Items.Add(new Posting(id, tf[0], tf[1], tf[2]));
            list.DocumentFrequency++;
            livePostings++;
        }
        for (var f = 0; f < FieldCount; f++) totalFieldLengths[f] += lengths[f];
        documents[id] = new DocumentEntry(lengths, [.. frequencies.Keys]);

        void Count(IReadOnlyList<string> terms, int field)
        {
            lengths[field] = terms.Count;
            foreach (var term in terms)
            {
                if (!frequencies.TryGetValue(term, out var tf))
                {
                    tf = new ushort[FieldCount];
                    frequencies[term] = tf;
                }
                if (tf[field] < ushort.MaxValue) tf[field]++;
            }
        }
    }

    public bool Remove(long id)
    {
        if (!documents.Remove(id, out var entry)) return false;
        for (var f = 0; f < FieldCount; f++) totalFieldLengths[f] -= entry.Lengths[f];
        foreach (var term in entry.Terms)
        {
            if (postings.TryGetValue(term, out var list))
            {
                list.DocumentFrequency--;
                list.Dirty = true;
            }
        }
        removedSinceCompaction.Add(id);
        deletedPostings += entry.Terms.Length;
        livePostings -= entry.Terms.Length;
        // Removal is lazy (postings of removed documents are skipped); compact once they are a quarter of all.
        if (deletedPostings > 1024 && deletedPostings > livePostings / 4) Compact();
        return true;
    }

    /// <summary>BM25's inverse document frequency of a term; an unseen term gets the highest value.</summary>
    public double InverseDocumentFrequency(string term)
    {
        var n = documents.Count;
        var df = postings.TryGetValue(term, out var list) ? Math.Max(0, list.DocumentFrequency) : 0;
        return Math.Log(1 + (n - df + 0.5) / (df + 0.5));
    }

    /// <summary>Scores every document containing at least one query term.</summary>
    public Dictionary<long, double> Score(IReadOnlyList<WeightedTerm> query)
    {
        var scores = new Dictionary<long, double>();
        var n = documents.Count;
        if (n == 0) return scores;
        Span<double> averageLengths = stackalloc double[FieldCount];
        for (var f = 0; f < FieldCount; f++) averageLengths[f] = Math.Max(1.0, (double)totalFieldLengths[f] / n);

        foreach (var (term, weight) in query)
        {
            if (!postings.TryGetValue(term, out var list) || list.DocumentFrequency <= 0) continue;
            var df = list.DocumentFrequency;
            var idf = Math.Log(1 + (n - df + 0.5) / (df + 0.5));
            foreach (var posting in list.Items)
            {
                if (!documents.TryGetValue(posting.Id, out var doc)) continue;
                var tf = 0.0;
                tf += Normalised(posting.PathTf, 0, doc, averageLengths);
                tf += Normalised(posting.SymbolTf, 1, doc, averageLengths);
                tf += Normalised(posting.BodyTf, 2, doc, averageLengths);
                var contribution = weight * idf * tf * (K1 + 1) / (tf + K1);
                scores[posting.Id] = scores.TryGetValue(posting.Id, out var s) ? s + contribution : contribution;
            }
        }
        return scores;
    }

    private static double Normalised(ushort tf, int field, DocumentEntry doc, ReadOnlySpan<double> averageLengths)
    {
        if (tf == 0) return 0;
        var norm = 1 - FieldB[field] + FieldB[field] * doc.Lengths[field] / averageLengths[field];
        return FieldWeights[field] * tf / norm;
    }

    private void Compact()
    {
        var empty = new List<string>();
        foreach (var (term, list) in postings)
        {
            if (!list.Dirty) continue;
            list.Items.RemoveAll(p => !documents.ContainsKey(p.Id));
            list.Dirty = false;
            if (list.Items.Count == 0) empty.Add(term);
        }
        foreach (var term in empty) postings.Remove(term);
        deletedPostings = 0;
        removedSinceCompaction.Clear();
    }

    private sealed class TermPostings
    {
        public List<Posting> Items { get; } = [];
        public int DocumentFrequency { get; set; }
        public bool Dirty { get; set; }
    }

    private readonly record struct Posting(long Id, ushort PathTf, ushort SymbolTf, ushort BodyTf);

    private sealed record DocumentEntry(int[] Lengths, string[] Terms);
}
