using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RagService.Search;

/// <summary>
/// In-process approximate vector index with exact re-scoring. In memory each vector is only its
/// <see cref="SimHasher"/> signature (<see cref="DefaultBits"/> bits: 256 bytes, a twelfth of a 768-dimension float32
/// vector); the float32 originals live in a <see cref="VectorFile"/>. A search ranks every signature by Hamming distance
/// to the query's (a popcount scan, a few milliseconds at 200k vectors), takes the closest
/// <c>max(limit · Oversampling, MinimumCandidates)</c>, and re-scores those exactly with the originals; the
/// result is exact cosine similarities, best first, and equals exact search whenever the true best are among the
/// candidates (the bench measures how often: recall against <see cref="ExactVectorIndex"/>).
/// The dimension is fixed by the first vector added.
/// </summary>
public sealed class QuantizedVectorIndex(string? directory = null, int bits = QuantizedVectorIndex.DefaultBits) : IVectorIndex, IDisposable
{
    public const int DefaultBits = 2048;
    public const int Oversampling = 4;
    public const int MinimumCandidates = 1000;

    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> slotOfId = [];
    private readonly Stack<int> freeSlots = new();
    private SimHasher? hasher;
    private VectorFile? originals;
    private ulong[] signatures = [];
    private long[] idOfSlot = [];
    private int slotCount;
    private int words;

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
            try { return signatures.LongLength * sizeof(ulong) + idOfSlot.LongLength * sizeof(long) + slotOfId.Count * 28L; }
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
                words = hasher.Words;
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
                signer.Sign(entries[i].Vector, signatures.AsSpan(slots[i] * words, words)));
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
            var vector = new float[originals!.Dimensions];
            originals.Read(slot, vector);
            yield return new VectorEntry(id, string.Empty, vector);
        }
    }

    public void Dispose()
    {
        originals?.Dispose();
        gate.Dispose();
    }

    /// <summary>Slots of the <paramref name="count"/> signatures closest to the query's, by a histogram of Hamming distances.</summary>
    private int[] Candidates(float[] query, int count)
    {
        Span<ulong> signature = stackalloc ulong[words];
        hasher!.Sign(query, signature);
        var distances = ArrayPool<ushort>.Shared.Rent(slotCount);
        var histogram = new int[words * 64 + 2];
        try
        {
            ref var query0 = ref MemoryMarshal.GetReference(signature);
            ref var code = ref MemoryMarshal.GetArrayDataReference(signatures);
            for (var slot = 0; slot < slotCount; slot++, code = ref Unsafe.Add(ref code, words))
            {
                if (idOfSlot[slot] < 0)
                {
                    distances[slot] = ushort.MaxValue;
                    continue;
                }
                // Words come in fours (whole rotations of at least 256 bits); four sums keep the popcounts independent.
                int d0 = 0, d1 = 0, d2 = 0, d3 = 0;
                for (var w = 0; w < words; w += 4)
                {
                    d0 += BitOperations.PopCount(Unsafe.Add(ref code, w) ^ Unsafe.Add(ref query0, w));
                    d1 += BitOperations.PopCount(Unsafe.Add(ref code, w + 1) ^ Unsafe.Add(ref query0, w + 1));
                    d2 += BitOperations.PopCount(Unsafe.Add(ref code, w + 2) ^ Unsafe.Add(ref query0, w + 2));
                    d3 += BitOperations.PopCount(Unsafe.Add(ref code, w + 3) ^ Unsafe.Add(ref query0, w + 3));
                }
                var distance = d0 + d1 + d2 + d3;
                distances[slot] = (ushort)distance;
                histogram[distance]++;
            }
            // The cut: the smallest distance with at least `count` signatures at or below it.
            var cut = 0;
            for (var seen = histogram[0]; seen < count && cut < histogram.Length - 1; seen += histogram[++cut]) { }
            var result = new List<int>(count);
            var atCut = count - (cut > 0 ? Sum(histogram, cut - 1) : 0);
            for (var slot = 0; slot < slotCount; slot++)
            {
                var distance = distances[slot];
                if (distance < cut) result.Add(slot);
                else if (distance == cut && atCut-- > 0) result.Add(slot);
            }
            return [.. result];
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(distances);
        }

        static int Sum(int[] histogram, int upTo)
        {
            var sum = 0;
            for (var i = 0; i <= upTo; i++) sum += histogram[i];
            return sum;
        }
    }

    /// <summary>Exact cosine of each candidate from the originals, read in runs of consecutive slots; the best <paramref name="limit"/>.</summary>
    private VectorMatch[] Rescore(float[] query, int[] slots, int limit)
    {
        const int MaxRun = 32;
        var dimensions = originals!.Dimensions;
        var buffer = ArrayPool<float>.Shared.Rent(MaxRun * dimensions);
        var best = new PriorityQueue<VectorMatch, (float Score, long NegId)>(limit + 1);
        try
        {
            for (var start = 0; start < slots.Length;)
            {
                var run = 1;
                while (start + run < slots.Length && run < MaxRun && slots[start + run] == slots[start] + run) run++;
                var vectors = buffer.AsSpan(0, run * dimensions);
                originals.Read(slots[start], vectors);
                for (var i = 0; i < run; i++)
                {
                    var id = idOfSlot[slots[start + i]];
                    var score = TensorPrimitives.Dot(query, vectors.Slice(i * dimensions, dimensions));
                    var priority = (score, -id);
                    if (best.Count < limit) best.Enqueue(new VectorMatch(id, score), priority);
                    else if (best.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0) best.EnqueueDequeue(new VectorMatch(id, score), priority);
                }
                start += run;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
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
            Array.Resize(ref signatures, capacity * words);
        }
        return slotCount++;
    }
}
