using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RagService.Search;

/// <summary>
/// In-process approximate vector index with exact re-scoring. In memory each vector is only its
/// <see cref="SimHasher"/> signature (<see cref="DefaultBits"/> bits: 256 bytes, a twelfth of a 768-dimension float32
/// vector); the float32 originals live in a memory-mapped <see cref="VectorFile"/>. A search first ranks every vector by
/// the Hamming distance of its first rotation's signs (1024 bits for 768 dimensions: half the bytes a full scan would
/// stream from memory, which is what the scan's time is), keeps the closest <see cref="CoarseOversampling"/> times the
/// candidates wanted, ranks those by the whole signature, takes the closest <c>max(limit · Oversampling,
/// MinimumCandidates)</c>, and re-scores them exactly with the originals. The result is exact cosine similarities, best
/// first, and equals exact search whenever the true best are among the candidates (the bench measures how often: recall
/// against <see cref="ExactVectorIndex"/>). The dimension is fixed by the first vector added.
/// </summary>
public sealed class QuantizedVectorIndex(string? directory = null, int bits = QuantizedVectorIndex.DefaultBits) : IVectorIndex, IDisposable
{
    public const int DefaultBits = 2048;
    public const int Oversampling = 4;
    public const int MinimumCandidates = 600;

    /// <summary>How many more vectors the first-rotation pass keeps than the whole signatures then narrow down to.</summary>
    public const int CoarseOversampling = 8;

    /// <summary>Below twice this many vectors the first pass runs on one core (splitting would cost more than it saves).</summary>
    public const int MinimumSlotsPerScanPart = 16_384;

    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> slotOfId = [];
    private readonly Stack<int> freeSlots = new();
    private SimHasher? hasher;
    private VectorFile? originals;
    // A signature's first rotation (coarse) and the rest (fine), each contiguous by slot.
    private ulong[] coarse = [];
    private ulong[] fine = [];
    private long[] idOfSlot = [];
    private int slotCount;
    private int coarseWords;
    private int fineWords;

    public int Count
    {
        get
        {
            gate.EnterReadLock();
            try { return slotOfId.Count; }
            finally { gate.ExitReadLock(); }
        }
    }

    /// <summary>Bytes held in memory: signatures, slot ids and the id-to-slot map (about 28 bytes an entry).</summary>
    public long MemoryBytes
    {
        get
        {
            gate.EnterReadLock();
            try { return (coarse.LongLength + fine.LongLength) * sizeof(ulong) + idOfSlot.LongLength * sizeof(long) + slotOfId.Count * 28L; }
            finally { gate.ExitReadLock(); }
        }
    }

    /// <summary>Bytes of the float32 originals on disk.</summary>
    public long DiskBytes => originals?.Length ?? 0;

    public Task UpsertAsync(IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        gate.EnterWriteLock();
        try
        {
            if (hasher is null)
            {
                hasher = new SimHasher(entries[0].Vector.Length, bits);
                originals = new VectorFile(entries[0].Vector.Length, directory);
                coarseWords = hasher.WordsPerRotation;
                fineWords = hasher.Words - coarseWords;
            }
            var signer = hasher;
            var dimensions = originals!.Dimensions;
            var slots = new int[entries.Count];
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (entry.Vector.Length != dimensions)
                    throw new ArgumentException($"Vector of chunk {entry.Id} has {entry.Vector.Length} dimensions; the index holds {dimensions}. Re-index with one embedding model.");
                if (!slotOfId.TryGetValue(entry.Id, out var slot))
                {
                    slot = freeSlots.Count > 0 ? freeSlots.Pop() : NewSlot();
                    slotOfId[entry.Id] = slot;
                    idOfSlot[slot] = entry.Id;
                }
                slots[i] = slot;
            }
            Parallel.For(0, entries.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                Span<ulong> signature = stackalloc ulong[coarseWords + fineWords];
                signer.Sign(entries[i].Vector, signature);
                signature[..coarseWords].CopyTo(coarse.AsSpan(slots[i] * coarseWords, coarseWords));
                signature[coarseWords..].CopyTo(fine.AsSpan(slots[i] * fineWords, fineWords));
            });
            WriteOriginals(entries, slots, dimensions);
        }
        finally
        {
            gate.ExitWriteLock();
        }
        return Task.CompletedTask;
    }

    public Task RemoveFileAsync(string path, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        gate.EnterWriteLock();
        try
        {
            foreach (var id in ids)
            {
                if (!slotOfId.Remove(id, out var slot)) continue;
                idOfSlot[slot] = -1;
                freeSlots.Push(slot);
            }
        }
        finally
        {
            gate.ExitWriteLock();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<VectorMatch>> SearchAsync(float[] query, int limit, CancellationToken cancellationToken)
    {
        gate.EnterReadLock();
        try
        {
            if (hasher is null || slotOfId.Count == 0 || limit <= 0) return Task.FromResult<IReadOnlyList<VectorMatch>>([]);
            var dimensions = originals!.Dimensions;
            if (query.Length != dimensions)
                throw new ArgumentException($"Query vector has {query.Length} dimensions; the index holds {dimensions}.");
            var candidates = Candidates(query, Math.Max(limit * Oversampling, MinimumCandidates));
            return Task.FromResult<IReadOnlyList<VectorMatch>>(Rescore(query, candidates, limit));
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>Every live vector with its original, in slot order (for building an exact reference index).</summary>
    public IEnumerable<VectorEntry> Entries()
    {
        List<(long Id, int Slot)> live;
        gate.EnterReadLock();
        try { live = slotOfId.Select(p => (p.Key, p.Value)).OrderBy(p => p.Value).ToList(); }
        finally { gate.ExitReadLock(); }
        foreach (var (id, slot) in live)
        {
            float[] vector;
            gate.EnterReadLock();
            try { vector = originals!.Vector(slot).ToArray(); }
            finally { gate.ExitReadLock(); }
            yield return new VectorEntry(id, string.Empty, vector);
        }
    }

    public void Dispose()
    {
        originals?.Dispose();
        gate.Dispose();
    }

    /// <summary>
    /// Slots of the <paramref name="count"/> vectors whose signatures are closest to the query's, in slot order: by the
    /// first rotation over every slot, then by the whole signature over the closest of those.
    /// </summary>
    internal int[] Candidates(float[] query, int count)
    {
        var signature = new ulong[coarseWords + fineWords];
        hasher!.Sign(query, signature);
        var distances = ArrayPool<ushort>.Shared.Rent(slotCount);
        var histogram = ArrayPool<int>.Shared.Rent((coarseWords + fineWords) * 64 + 1);
        try
        {
            var coarseBits = coarseWords * 64;
            Array.Clear(histogram, 0, coarseBits + 1);
            // The scan streams every signature from memory, and one core's memory bandwidth is what it takes: a large
            // index is scanned in one part per core.
            var parts = slotCount >= MinimumSlotsPerScanPart * 2 ? Environment.ProcessorCount : 1;
            var histograms = new int[parts][];
            Parallel.For(0, parts, part =>
                histograms[part] = ScanCoarse(signature, distances, (int)((long)slotCount * part / parts), (int)((long)slotCount * (part + 1) / parts), coarseBits));
            foreach (var partHistogram in histograms)
            {
                for (var d = 0; d <= coarseBits; d++) histogram[d] += partHistogram[d];
            }
            var first = Closest(distances.AsSpan(0, slotCount), histogram.AsSpan(0, coarseBits + 1), fineWords == 0 ? count : count * CoarseOversampling);
            if (fineWords == 0 || first.Length <= count) return first;

            var bits = (coarseWords + fineWords) * 64;
            Array.Clear(histogram, 0, bits + 1);
            ref var fineQuery = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(signature), coarseWords);
            ref var fine0 = ref MemoryMarshal.GetArrayDataReference(fine);
            // In place: first[i] >= i, so distances[first[i]] is still the coarse distance when entry i is overwritten.
            for (var i = 0; i < first.Length; i++)
            {
                var distance = distances[first[i]] + Distance(ref Unsafe.Add(ref fine0, first[i] * fineWords), ref fineQuery, fineWords);
                distances[i] = (ushort)distance;
                histogram[distance]++;
            }
            var second = Closest(distances.AsSpan(0, first.Length), histogram.AsSpan(0, bits + 1), count);
            for (var i = 0; i < second.Length; i++) second[i] = first[second[i]];
            return second;
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(distances);
            ArrayPool<int>.Shared.Return(histogram);
        }
    }

    /// <summary>First-pass distances of the slots in [<paramref name="from"/>, <paramref name="to"/>) (empty slots: the largest), and their histogram.</summary>
    private int[] ScanCoarse(ulong[] signature, ushort[] distances, int from, int to, int coarseBits)
    {
        var histogram = new int[coarseBits + 1];
        ref var query0 = ref MemoryMarshal.GetArrayDataReference(signature);
        ref var code = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(coarse), (nint)from * coarseWords);
        for (var slot = from; slot < to; slot++, code = ref Unsafe.Add(ref code, coarseWords))
        {
            if (idOfSlot[slot] < 0)
            {
                distances[slot] = ushort.MaxValue;
                continue;
            }
            var distance = Distance(ref code, ref query0, coarseWords);
            distances[slot] = (ushort)distance;
            histogram[distance]++;
        }
        return histogram;
    }

    /// <summary>Hamming distance over <paramref name="words"/> words (a multiple of four: four sums keep the popcounts independent).</summary>
    private static int Distance(ref ulong code, ref ulong query, int words)
    {
        int d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        for (var w = 0; w < words; w += 4)
        {
            d0 += BitOperations.PopCount(Unsafe.Add(ref code, w) ^ Unsafe.Add(ref query, w));
            d1 += BitOperations.PopCount(Unsafe.Add(ref code, w + 1) ^ Unsafe.Add(ref query, w + 1));
            d2 += BitOperations.PopCount(Unsafe.Add(ref code, w + 2) ^ Unsafe.Add(ref query, w + 2));
            d3 += BitOperations.PopCount(Unsafe.Add(ref code, w + 3) ^ Unsafe.Add(ref query, w + 3));
        }
        return d0 + d1 + d2 + d3;
    }

    /// <summary>
    /// Indexes of the <paramref name="count"/> smallest distances, in index order, ties at the cut by index, given their
    /// <paramref name="histogram"/> (distances beyond it are empty slots): the cut is read off the histogram, then one pass picks.
    /// </summary>
    internal static int[] Closest(ReadOnlySpan<ushort> distances, ReadOnlySpan<int> histogram, int count)
    {
        // The cut: the smallest distance with at least `count` at or below it (or all there are).
        int cut = 0, below = 0;
        while (cut < histogram.Length - 1 && below + histogram[cut] < count) below += histogram[cut++];
        var atCut = Math.Min(histogram[cut], count - below);
        var result = new int[below + atCut];
        var n = 0;
        for (var i = 0; i < distances.Length && n < result.Length; i++)
        {
            var distance = distances[i];
            if (distance < cut || (distance == cut && atCut-- > 0)) result[n++] = i;
        }
        return result;
    }

    /// <summary>Exact cosine of each candidate from the originals, in place in the mapped file; the best <paramref name="limit"/>.</summary>
    private VectorMatch[] Rescore(float[] query, int[] slots, int limit)
    {
        var best = new PriorityQueue<VectorMatch, (float Score, long NegId)>(limit + 1);
        foreach (var slot in slots)
        {
            var id = idOfSlot[slot];
            var score = TensorPrimitives.Dot(query, originals!.Vector(slot));
            var priority = (score, -id);
            if (best.Count < limit) best.Enqueue(new VectorMatch(id, score), priority);
            else if (best.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0) best.EnqueueDequeue(new VectorMatch(id, score), priority);
        }
        var result = new VectorMatch[best.Count];
        for (var i = result.Length - 1; i >= 0; i--) result[i] = best.Dequeue();
        return result;
    }

    private void WriteOriginals(IReadOnlyList<VectorEntry> entries, int[] slots, int dimensions)
    {
        // Consecutive slots (a new file's chunks usually get them) are written in one call.
        var order = Enumerable.Range(0, entries.Count).OrderBy(i => slots[i]).ToArray();
        var buffer = ArrayPool<float>.Shared.Rent(order.Length * dimensions);
        try
        {
            for (var start = 0; start < order.Length;)
            {
                var run = 1;
                while (start + run < order.Length && slots[order[start + run]] == slots[order[start]] + run) run++;
                for (var i = 0; i < run; i++) entries[order[start + i]].Vector.AsSpan().CopyTo(buffer.AsSpan(i * dimensions, dimensions));
                originals!.Write(slots[order[start]], buffer.AsSpan(0, run * dimensions));
                start += run;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private int NewSlot()
    {
        if (slotCount == idOfSlot.Length)
        {
            var capacity = Math.Max(256, idOfSlot.Length * 2);
            Array.Resize(ref idOfSlot, capacity);
            Array.Resize(ref coarse, capacity * coarseWords);
            Array.Resize(ref fine, capacity * fineWords);
        }
        return slotCount++;
    }
}
