using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RagService.Search;

/// <summary>
/// BM25F over three fields (path, symbol, body) with in-place add and remove.
/// Per term and document, field frequencies are length-normalised and weighted, then saturated once:
/// <c>tf~ = Σ_f w_f·tf_f / (1 − b_f + b_f·len_f/avglen_f)</c>, <c>score = Σ_t q_t · idf_t · tf~·(k1+1) / (tf~ + k1)</c>,
/// <c>idf_t = ln(1 + (N − df + 0.5)/(df + 0.5))</c>.
/// k1 = 1.2 (standard; saturation after a handful of occurrences). b: body 0.75 (standard), symbol 0.5,
/// path 0.3 (paths are short and similar in length; normalising them hard would punish deep folders).
/// Weights: symbol 3, path 2, body 1 — names are the strongest evidence of what code is about.
/// <para>
/// <see cref="Search"/> is MaxScore (Turtle and Flood, 1995) over postings sorted by document: each term has an upper
/// bound of what it can add to a score, from the largest field frequencies and shortest fields in its postings.
/// The documents of the rarest terms are scored first; once the k-th best score beats the sum of the smallest bounds,
/// those (common, low-idf) terms can no longer make a document enter the top k on their own: only the other terms'
/// postings are scored, and the common terms' postings are looked up by binary search for the documents that might
/// still enter. Results are identical to exhaustive scoring (<see cref="Score"/>): a document that can enter is scored
/// with its contributions summed in query-term order, as there.
/// </para>
/// Documents live in slots (ordinals, increasing, so postings stay sorted by slot); a removed document's slot is
/// emptied and its postings are dropped lazily (compaction when they are a quarter of all postings).
/// Not thread-safe on its own: <see cref="CodeIndex"/> serialises access.
/// </summary>
public sealed class Bm25Index
{
    public const double K1 = 1.2;
    private const double PathWeight = 2.0, SymbolWeight = 3.0, BodyWeight = 1.0;
    private const double PathB = 0.3, SymbolB = 0.5, BodyB = 0.75;
    private const int FieldCount = Bm25Terms.FieldCount;

    // Rounding in sums of doubles must never make a bound smaller than what it bounds.
    private const double BoundSlack = 1 + 1e-9;

    // Postings of the rarest terms scored up front, per result asked for (see Search).
    private const int SeedPostingsPerResult = 4;

    private readonly Dictionary<string, int> termIds = new(StringComparer.Ordinal);
    private readonly List<TermPostings> terms = [];
    private readonly Dictionary<long, int> slotOfId = [];
    private readonly List<long> idOfSlot = [];
    private readonly List<int[]?> termsOfSlot = [];
    private int[] fieldLengths = new int[FieldCount * 256]; // per slot, path, symbol and body lengths
    private readonly long[] totalFieldLengths = new long[FieldCount];
    private int deletedPostings;
    private int livePostings;

    /// <summary>Live documents.</summary>
    public int Count => slotOfId.Count;

    /// <summary>Distinct terms and postings held (removed documents' postings until compaction), for memory reports.</summary>
    public (int Terms, long Postings) Size()
    {
        long postings = 0;
        foreach (var list in terms) postings += list.Count;
        return (termIds.Count, postings);
    }

    /// <summary>Approximate bytes held: postings (12 B), per-document term lists (4 B a posting), slots and the term dictionary.</summary>
    public long MemoryBytes()
    {
        long bytes = 0;
        foreach (var list in terms) bytes += (long)list.Items.Length * Posting.Bytes + 48;
        foreach (var (term, _) in termIds) bytes += 24 + 2L * term.Length + 24;
        foreach (var slotTerms in termsOfSlot) bytes += slotTerms is null ? 8 : 8 + 24 + 4L * slotTerms.Length;
        bytes += idOfSlot.Count * (8L + FieldCount * 4) + slotOfId.Count * 24L;
        return bytes;
    }

    public void Add(long id, Bm25Document document) => Add(id, Bm25Terms.Count(document));

    public void Add(long id, Bm25Terms document)
    {
        Remove(id);
        var lengths = document.Lengths;
        var slot = idOfSlot.Count;
        var slotTerms = new int[document.Terms.Length];
        var tf = document.Frequencies;
        for (var i = 0; i < slotTerms.Length; i++)
        {
            var term = document.Terms[i];
            if (!termIds.TryGetValue(term, out var termId))
            {
                termId = terms.Count;
                termIds[term] = termId;
                terms.Add(new TermPostings());
            }
            terms[termId].Append(new Posting(slot, tf[i * FieldCount], tf[i * FieldCount + 1], tf[i * FieldCount + 2]), lengths);
            slotTerms[i] = termId;
            livePostings++;
        }
        if ((slot + 1) * FieldCount > fieldLengths.Length) Array.Resize(ref fieldLengths, fieldLengths.Length * 2);
        for (var f = 0; f < FieldCount; f++)
        {
            totalFieldLengths[f] += lengths[f];
            fieldLengths[slot * FieldCount + f] = lengths[f];
        }
        idOfSlot.Add(id);
        termsOfSlot.Add(slotTerms);
        slotOfId[id] = slot;
    }

    public bool Remove(long id)
    {
        if (!slotOfId.Remove(id, out var slot)) return false;
        var slotTerms = termsOfSlot[slot]!;
        termsOfSlot[slot] = null;
        idOfSlot[slot] = -1;
        for (var f = 0; f < FieldCount; f++) totalFieldLengths[f] -= fieldLengths[slot * FieldCount + f];
        foreach (var termId in slotTerms)
        {
            terms[termId].DocumentFrequency--;
            terms[termId].Dirty = true;
        }
        deletedPostings += slotTerms.Length;
        livePostings -= slotTerms.Length;
        if (deletedPostings > 1024 && deletedPostings > livePostings / 4) Compact();
        return true;
    }

    /// <summary>BM25's inverse document frequency of a term; an unseen term gets the highest value.</summary>
    public double InverseDocumentFrequency(string term)
    {
        var df = termIds.TryGetValue(term, out var termId) ? Math.Max(0, terms[termId].DocumentFrequency) : 0;
        return Idf(df);
    }

    /// <summary>Exhaustive scoring: the score of every document containing at least one query term.</summary>
    public Dictionary<long, double> Score(IReadOnlyList<WeightedTerm> query)
    {
        var result = new Dictionary<long, double>();
        if (slotOfId.Count == 0) return result;
        var scorer = new Scorer(this);
        foreach (var (term, weight) in query)
        {
            if (Find(term) is not { } list) continue;
            var factor = weight * Idf(list.DocumentFrequency);
            foreach (var posting in list.Span)
            {
                var id = idOfSlot[posting.Slot];
                if (id < 0) continue;
                result[id] = result.GetValueOrDefault(id) + factor * scorer.Saturated(posting);
            }
        }
        foreach (var (id, score) in result)
        {
            if (score <= 0) result.Remove(id);
        }
        return result;
    }

    /// <summary>
    /// The best <paramref name="limit"/> documents with a positive score (that pass <paramref name="filter"/>), best first;
    /// ties by id. Equal to sorting <see cref="Score"/>'s result, without scoring every posting of common terms.
    /// </summary>
    public List<(long Id, double Score)> Search(IReadOnlyList<WeightedTerm> query, int limit, Func<long, bool>? filter = null) =>
        Search(query, limit, filter, out _);

    /// <inheritdoc cref="Search(IReadOnlyList{WeightedTerm}, int, Func{long, bool}?)"/>
    /// <param name="scored">How many postings were scored (exhaustive scoring scores every posting of every query term).</param>
    internal List<(long Id, double Score)> Search(IReadOnlyList<WeightedTerm> query, int limit, Func<long, bool>? filter, out long scored)
    {
        scored = 0;
        if (slotOfId.Count == 0 || limit <= 0) return [];
        var scorer = new Scorer(this);
        // Query terms with postings, in query order (exact scores are summed in this order).
        var active = new List<ActiveTerm>(query.Count);
        foreach (var (term, weight) in query)
        {
            if (Find(term) is not { } list) continue;
            var factor = weight * Idf(list.DocumentFrequency);
            if (factor <= 0) return Top(Score(query), limit, filter, out scored); // bounds assume terms only add
            active.Add(new ActiveTerm(list, factor, factor * scorer.SaturatedBound(list) * BoundSlack));
        }
        if (active.Count == 0) return [];

        // By bound, smallest first; prefix[j] = what terms 0..j of that order can add together.
        var order = Enumerable.Range(0, active.Count).OrderBy(i => active[i].Bound).ToArray();
        var prefix = new double[order.Length];
        for (var j = 0; j < order.Length; j++) prefix[j] = (j > 0 ? prefix[j - 1] : 0) + active[order[j]].Bound;
        var cursors = new int[active.Count];
        var heap = new PriorityQueue<(long Id, double Score), (double Score, long NegId)>(limit + 1);
        var threshold = 0.0; // once the heap is full, a document must score above it (or equal it with a smaller id) to enter

        var slotCount = idOfSlot.Count;
        var words = (slotCount + 63) / 64;
        var seeded = ArrayPool<ulong>.Shared.Rent(words);
        var touched = ArrayPool<ulong>.Shared.Rent(words);
        var partial = ArrayPool<double>.Shared.Rent(slotCount);
        try
        {
            Array.Clear(seeded, 0, words);
            Array.Clear(touched, 0, words);
            Array.Clear(partial, 0, slotCount);

            // 1. Seed: exact scores of the documents of the rarest (highest-bound) terms, so the threshold is high early.
            var budget = SeedPostingsPerResult * limit;
            for (var j = order.Length - 1; j >= 0 && active[order[j]].Postings.Count <= budget; j--)
            {
                budget -= active[order[j]].Postings.Count;
                foreach (var posting in active[order[j]].Postings.Span) seeded[posting.Slot >> 6] |= 1UL << posting.Slot;
            }
            for (var w = 0; w < words; w++)
            {
                for (var bits = seeded[w]; bits != 0; bits &= bits - 1)
                {
                    var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    var id = idOfSlot[slot];
                    if (id >= 0 && (filter is null || filter(id))) Offer(id, ExactScore(slot, ref scored));
                }
            }
            Array.Clear(cursors);

            // 2. Terms whose bounds together stay under the threshold cannot bring a document in on their own: only the
            // others' postings are scored, term at a time, into partial sums.
            var lookedUp = 0;
            while (lookedUp < order.Length && prefix[lookedUp] * BoundSlack < threshold) lookedUp++;
            for (var j = lookedUp; j < order.Length; j++)
            {
                var term = active[order[j]];
                foreach (var posting in term.Postings.Span)
                {
                    partial[posting.Slot] += term.Factor * scorer.Saturated(posting);
                    touched[posting.Slot >> 6] |= 1UL << posting.Slot;
                }
                scored += term.Postings.Count;
            }

            // 3. Each document touched, in slot order: the looked-up terms are found by binary search while the document can
            // still reach the threshold; one that can enter is scored exactly and offered.
            for (var w = 0; w < words; w++)
            {
                for (var bits = touched[w] & ~seeded[w]; bits != 0; bits &= bits - 1)
                {
                    var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    var id = idOfSlot[slot];
                    if (id < 0 || (filter is not null && !filter(id))) continue;
                    var sum = partial[slot];
                    var reachable = true;
                    for (var j = lookedUp - 1; j >= 0; j--)
                    {
                        if ((sum + prefix[j]) * BoundSlack < threshold)
                        {
                            reachable = false;
                            break;
                        }
                        var t = order[j];
                        var items = active[t].Postings.Span;
                        cursors[t] = SeekSlot(items, cursors[t], slot);
                        if (cursors[t] < items.Length && items[cursors[t]].Slot == slot)
                        {
                            sum += active[t].Factor * scorer.Saturated(items[cursors[t]]);
                            scored++;
                        }
                    }
                    // Partial sums were added in another order than the query's: only a near miss or better is re-scored exactly.
                    if (reachable && (heap.Count < limit || sum * BoundSlack >= threshold)) Offer(id, ExactScore(slot, ref scored));
                }
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(seeded);
            ArrayPool<ulong>.Shared.Return(touched);
            ArrayPool<double>.Shared.Return(partial);
        }

        var result = new List<(long Id, double Score)>(heap.Count);
        while (heap.Count > 0) result.Add(heap.Dequeue());
        result.Reverse();
        return result;

        // A document's score as Score computes it: contributions summed in query-term order. Slots come in increasing
        // order, so each term's cursor only moves forward.
        double ExactScore(int slot, ref long scoredPostings)
        {
            var score = 0.0;
            for (var t = 0; t < active.Count; t++)
            {
                var items = active[t].Postings.Span;
                cursors[t] = SeekSlot(items, cursors[t], slot);
                if (cursors[t] < items.Length && items[cursors[t]].Slot == slot)
                {
                    score += active[t].Factor * scorer.Saturated(items[cursors[t]]);
                    scoredPostings++;
                }
            }
            return score;
        }

        void Offer(long id, double score)
        {
            if (score <= 0) return;
            var priority = (score, -id);
            if (heap.Count < limit) heap.Enqueue((id, score), priority);
            else if (heap.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0) heap.EnqueueDequeue((id, score), priority);
            else return;
            if (heap.Count == limit && heap.TryPeek(out _, out var kth)) threshold = kth.Score;
        }
    }

    private List<(long Id, double Score)> Top(Dictionary<long, double> scores, int limit, Func<long, bool>? filter, out long scored)
    {
        scored = Size().Postings;
        return scores.Where(p => filter is null || filter(p.Key))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(limit)
            .Select(p => (p.Key, p.Value)).ToList();
    }

    /// <summary>The first index at or after <paramref name="from"/> whose slot is at least <paramref name="slot"/> (galloping, then binary search).</summary>
    private static int SeekSlot(ReadOnlySpan<Posting> items, int from, int slot)
    {
        if (from >= items.Length || items[from].Slot >= slot) return from;
        var step = 1;
        var low = from;
        var high = from + 1;
        while (high < items.Length && items[high].Slot < slot)
        {
            low = high;
            step *= 2;
            high = from + step;
        }
        high = Math.Min(high, items.Length);
        // Invariant: items[low].Slot < slot, and items[high] (if any) >= slot.
        while (high - low > 1)
        {
            var mid = low + (high - low) / 2;
            if (items[mid].Slot < slot) low = mid;
            else high = mid;
        }
        return high;
    }

    private TermPostings? Find(string term) =>
        termIds.TryGetValue(term, out var termId) && terms[termId].DocumentFrequency > 0 ? terms[termId] : null;

    private double Idf(int df)
    {
        var n = slotOfId.Count;
        return Math.Log(1 + (n - df + 0.5) / (df + 0.5));
    }

    private void Compact()
    {
        foreach (var list in terms)
        {
            if (list.Dirty) list.Compact(idOfSlot, fieldLengths);
        }
        deletedPostings = 0;
    }

    /// <summary>Per-query constants of the length normalisation, and the one formula both scoring paths use.</summary>
    private readonly struct Scorer
    {
        private readonly double inversePath;
        private readonly double inverseSymbol;
        private readonly double inverseBody;
        private readonly int[] lengths;

        public Scorer(Bm25Index index)
        {
            var n = index.slotOfId.Count;
            inversePath = 1 / Math.Max(1.0, (double)index.totalFieldLengths[0] / n);
            inverseSymbol = 1 / Math.Max(1.0, (double)index.totalFieldLengths[1] / n);
            inverseBody = 1 / Math.Max(1.0, (double)index.totalFieldLengths[2] / n);
            lengths = index.fieldLengths;
        }

        // The hot loop of every search: constants per field, no lookups but the document's field lengths.
        public double Saturated(in Posting posting)
        {
            var at = posting.Slot * FieldCount;
            var tf = 0.0;
            if (posting.PathTf != 0) tf += Normalised(posting.PathTf, PathWeight, PathB, lengths[at], inversePath);
            if (posting.SymbolTf != 0) tf += Normalised(posting.SymbolTf, SymbolWeight, SymbolB, lengths[at + 1], inverseSymbol);
            if (posting.BodyTf != 0) tf += Normalised(posting.BodyTf, BodyWeight, BodyB, lengths[at + 2], inverseBody);
            return tf * (K1 + 1) / (tf + K1);
        }

        /// <summary>No posting of the list saturates higher: the largest frequencies over the shortest fields.</summary>
        public double SaturatedBound(TermPostings list)
        {
            var tf = 0.0;
            if (list.MaxTf[0] != 0) tf += Normalised(list.MaxTf[0], PathWeight, PathB, list.MinLength[0], inversePath);
            if (list.MaxTf[1] != 0) tf += Normalised(list.MaxTf[1], SymbolWeight, SymbolB, list.MinLength[1], inverseSymbol);
            if (list.MaxTf[2] != 0) tf += Normalised(list.MaxTf[2], BodyWeight, BodyB, list.MinLength[2], inverseBody);
            return tf * (K1 + 1) / (tf + K1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double Normalised(int tf, double weight, double b, int length, double inverseAverage) =>
            weight * tf / (1 - b + b * length * inverseAverage);
    }

    private readonly record struct ActiveTerm(TermPostings Postings, double Factor, double Bound);

    /// <summary>A term's postings in slot order, with the bounds MaxScore needs (over every posting held, so never too small).</summary>
    private sealed class TermPostings
    {
        public Posting[] Items { get; private set; } = new Posting[1];
        public int Count { get; private set; }
        public int DocumentFrequency { get; set; }
        public bool Dirty { get; set; }
        // Inline rather than arrays: two objects fewer per term for the garbage collector, and one cache miss fewer per posting added.
        public PerField MaxTf;
        public PerField MinLength = PerField.Of(int.MaxValue);

        public ReadOnlySpan<Posting> Span => Items.AsSpan(0, Count);

        public void Append(Posting posting, ReadOnlySpan<int> lengths)
        {
            if (Count == Items.Length)
            {
                var grown = Items;
                Array.Resize(ref grown, Items.Length * 2);
                Items = grown;
            }
            Items[Count++] = posting;
            DocumentFrequency++;
            Widen(posting, lengths);
        }

        public void Compact(List<long> idOfSlot, int[] fieldLengths)
        {
            var kept = 0;
            MaxTf = default;
            MinLength = PerField.Of(int.MaxValue);
            Span<int> lengths = stackalloc int[FieldCount];
            for (var i = 0; i < Count; i++)
            {
                var posting = Items[i];
                if (idOfSlot[posting.Slot] < 0) continue;
                Items[kept++] = posting;
                for (var f = 0; f < FieldCount; f++) lengths[f] = fieldLengths[posting.Slot * FieldCount + f];
                Widen(posting, lengths);
            }
            Count = kept;
            if (Items.Length > 16 && kept < Items.Length / 4) Items = Items.AsSpan(0, Math.Max(1, kept * 2)).ToArray();
            Dirty = false;
        }

        private void Widen(Posting posting, ReadOnlySpan<int> lengths)
        {
            ReadOnlySpan<int> tf = [posting.PathTf, posting.SymbolTf, posting.BodyTf];
            for (var f = 0; f < FieldCount; f++)
            {
                if (tf[f] == 0) continue;
                MaxTf[f] = Math.Max(MaxTf[f], tf[f]);
                MinLength[f] = Math.Min(MinLength[f], lengths[f]);
            }
        }
    }

    /// <summary>One value per field.</summary>
    [InlineArray(FieldCount)]
    private struct PerField
    {
        private int value;

        public static PerField Of(int value)
        {
            var all = default(PerField);
            ((Span<int>)all).Fill(value);
            return all;
        }
    }

    [StructLayout(LayoutKind.Sequential, Pack = 2)]
    private readonly record struct Posting(int Slot, ushort PathTf, ushort SymbolTf, ushort BodyTf)
    {
        public const int Bytes = 10;
    }
}
