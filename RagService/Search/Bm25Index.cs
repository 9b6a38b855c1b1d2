using System.Buffers;

namespace RagService.Search;

/// <summary>
/// BM25F over three fields (path, symbol, body) with in-place add and remove.
/// Per term and document, field frequencies are length-normalised and weighted, then saturated once:
/// <c>tf~ = Σ_f w_f·tf_f / (1 − b_f + b_f·len_f/avglen_f)</c>, <c>score = Σ_t q_t · idf_t · tf~·(k1+1) / (tf~ + k1)</c>,
/// <c>idf_t = ln(1 + (N − df + 0.5)/(df + 0.5))</c>.
/// k1 = 1.2 (standard; saturation after a handful of occurrences). b: body 0.75 (standard), symbol 0.5,
/// path 0.3 (paths are short and similar in length; normalising them hard would punish deep folders).
/// Weights: symbol 3, path 2, body 1 — names are the strongest evidence of what code is about.
/// Documents live in slots (ordinals) so scores accumulate in a flat array; a removed document's slot is
/// emptied and its postings are dropped lazily (compaction when they are a quarter of all postings).
/// Not thread-safe on its own: <see cref="CodeIndex"/> serialises access.
/// </summary>
public sealed class Bm25Index
{
    public const double K1 = 1.2;
    private static readonly double[] FieldWeights = [2.0, 3.0, 1.0];
    private static readonly double[] FieldB = [0.3, 0.5, 0.75];
    private const int FieldCount = 3;

    private readonly Dictionary<string, TermPostings> postings = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> slotOfId = [];
    private readonly List<DocumentEntry?> slots = [];
    private readonly long[] totalFieldLengths = new long[FieldCount];
    private int deletedPostings;
    private int livePostings;

    public void Add(long id, Bm25Document document)
    {
        Remove(id);
        var frequencies = new Dictionary<string, ushort[]>(StringComparer.Ordinal);
        var lengths = new int[FieldCount];
        Count(document.PathTerms, 0);
        Count(document.SymbolTerms, 1);
        Count(document.BodyTerms, 2);
        var slot = slots.Count;
        foreach (var (term, tf) in frequencies)
        {
            if (!postings.TryGetValue(term, out var list))
            {
                list = new TermPostings();
                postings[term] = list;
            }
            list.Items.Add(new Posting(slot, tf[0], tf[1], tf[2]));
            list.DocumentFrequency++;
            livePostings++;
        }
        for (var f = 0; f < FieldCount; f++) totalFieldLengths[f] += lengths[f];
        slots.Add(new DocumentEntry(id, lengths, [.. frequencies.Keys]));
        slotOfId[id] = slot;

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
        if (!slotOfId.Remove(id, out var slot)) return false;
        var entry = slots[slot]!;
        slots[slot] = null;
        for (var f = 0; f < FieldCount; f++) totalFieldLengths[f] -= entry.Lengths[f];
        foreach (var term in entry.Terms)
        {
            if (postings.TryGetValue(term, out var list))
            {
                list.DocumentFrequency--;
                list.Dirty = true;
            }
        }
        deletedPostings += entry.Terms.Length;
        livePostings -= entry.Terms.Length;
        if (deletedPostings > 1024 && deletedPostings > livePostings / 4) Compact();
        return true;
    }

    /// <summary>BM25's inverse document frequency of a term; an unseen term gets the highest value.</summary>
    public double InverseDocumentFrequency(string term)
    {
        var n = slotOfId.Count;
        var df = postings.TryGetValue(term, out var list) ? Math.Max(0, list.DocumentFrequency) : 0;
        return Math.Log(1 + (n - df + 0.5) / (df + 0.5));
    }

    /// <summary>Scores of every document containing at least one query term.</summary>
    public Dictionary<long, double> Score(IReadOnlyList<WeightedTerm> query) =>
        Search(query, int.MaxValue).ToDictionary(m => m.Id, m => m.Score);

    /// <summary>The best <paramref name="limit"/> documents (that pass <paramref name="filter"/>), best first; ties by id.</summary>
    public List<(long Id, double Score)> Search(IReadOnlyList<WeightedTerm> query, int limit, Func<long, bool>? filter = null)
    {
        var n = slotOfId.Count;
        if (n == 0 || limit <= 0) return [];
        Span<double> averageLengths = stackalloc double[FieldCount];
        for (var f = 0; f < FieldCount; f++) averageLengths[f] = Math.Max(1.0, (double)totalFieldLengths[f] / n);

        var scores = ArrayPool<double>.Shared.Rent(slots.Count);
        var touched = new List<int>();
        try
        {
            Array.Clear(scores, 0, slots.Count);
            foreach (var (term, weight) in query)
            {
                if (!postings.TryGetValue(term, out var list) || list.DocumentFrequency <= 0) continue;
                var df = list.DocumentFrequency;
                var idf = Math.Log(1 + (n - df + 0.5) / (df + 0.5));
                foreach (var posting in list.Items)
                {
                    var doc = slots[posting.Slot];
                    if (doc is null) continue;
                    var tf = Normalised(posting.PathTf, 0, doc, averageLengths)
                           + Normalised(posting.SymbolTf, 1, doc, averageLengths)
                           + Normalised(posting.BodyTf, 2, doc, averageLengths);
                    if (scores[posting.Slot] == 0) touched.Add(posting.Slot);
                    scores[posting.Slot] += weight * idf * tf * (K1 + 1) / (tf + K1);
                }
            }

            // Top-k by a min-heap: O(matches · log k) instead of sorting every match.
            var heap = new PriorityQueue<(long Id, double Score), (double Score, long NegId)>(Math.Min(limit, touched.Count) + 1);
            foreach (var slot in touched)
            {
                var score = scores[slot];
                if (score <= 0) continue;
                var id = slots[slot]!.Id;
                if (filter is not null && !filter(id)) continue;
                var priority = (score, -id);
                if (heap.Count < limit) heap.Enqueue((id, score), priority);
                else if (heap.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0) heap.EnqueueDequeue((id, score), priority);
            }
            var result = new List<(long Id, double Score)>(heap.Count);
            while (heap.Count > 0) result.Add(heap.Dequeue());
            result.Reverse();
            return result;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
        }
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
            list.Items.RemoveAll(p => slots[p.Slot] is null);
            list.Dirty = false;
            if (list.Items.Count == 0) empty.Add(term);
        }
        foreach (var term in empty) postings.Remove(term);
        deletedPostings = 0;
    }

    private sealed class TermPostings
    {
        public List<Posting> Items { get; } = [];
        public int DocumentFrequency { get; set; }
        public bool Dirty { get; set; }
    }

    private readonly record struct Posting(int Slot, ushort PathTf, ushort SymbolTf, ushort BodyTf);

    private sealed record DocumentEntry(long Id, int[] Lengths, string[] Terms);
}
