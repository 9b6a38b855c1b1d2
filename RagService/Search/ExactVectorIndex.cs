using System.Numerics.Tensors;

namespace RagService.Search;

/// <summary>
/// In-process exact (brute-force) vector index: vectors live in one contiguous array and every query is a SIMD
/// dot product (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>) against each of them.
/// Exact search over tens of thousands of chunks takes a few milliseconds, needs no tuning and never misses.
/// The dimension is fixed by the first vector added.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, int> slotOfId = [];
    private readonly Stack<int> freeSlots = new();
    private float[] data = [];
    private long[] idOfSlot = [];
    private int slotCount;
    private int dimensions;

    public int Count
    {
        get { lock (gate) return slotOfId.Count; }
    }

    public Task UpsertAsync(IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            foreach (var entry in entries)
            {
                if (dimensions == 0) dimensions = entry.Vector.Length;
                if (entry.Vector.Length != dimensions)
                    throw new ArgumentException($"Vector of chunk {entry.Id} has {entry.Vector.Length} dimensions; the index holds {dimensions}. Re-index with one embedding model.");
                if (!slotOfId.TryGetValue(entry.Id, out var slot))
                {
                    slot = freeSlots.Count > 0 ? freeSlots.Pop() : NewSlot();
                    slotOfId[entry.Id] = slot;
                    idOfSlot[slot] = entry.Id;
                }
                entry.Vector.AsSpan().CopyTo(data.AsSpan(slot * dimensions, dimensions));
            }
        }
        return Task.CompletedTask;
    }

    public Task RemoveFileAsync(string path, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            foreach (var id in ids)
            {
                if (!slotOfId.Remove(id, out var slot)) continue;
                idOfSlot[slot] = -1;
                freeSlots.Push(slot);
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<VectorMatch>> SearchAsync(float[] query, int limit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (dimensions == 0 || slotOfId.Count == 0 || limit <= 0) return Task.FromResult<IReadOnlyList<VectorMatch>>([]);
            if (query.Length != dimensions)
                throw new ArgumentException($"Query vector has {query.Length} dimensions; the index holds {dimensions}.");
            // Min-heap of the best `limit` so far: O(n log limit).
            var best = new PriorityQueue<VectorMatch, float>(limit + 1);
            var q = query.AsSpan();
            for (var slot = 0; slot < slotCount; slot++)
            {
                var id = idOfSlot[slot];
                if (id < 0) continue;
                var score = TensorPrimitives.Dot(q, data.AsSpan(slot * dimensions, dimensions));
                if (best.Count < limit) best.Enqueue(new VectorMatch(id, score), score);
                else if (score > best.Peek().Score) best.EnqueueDequeue(new VectorMatch(id, score), score);
            }
            var result = new VectorMatch[best.Count];
            for (var i = result.Length - 1; i >= 0; i--) result[i] = best.Dequeue();
            return Task.FromResult<IReadOnlyList<VectorMatch>>(result);
        }
    }

    private int NewSlot()
    {
        if (slotCount == idOfSlot.Length)
        {
            var capacity = Math.Max(256, idOfSlot.Length * 2);
            Array.Resize(ref idOfSlot, capacity);
            Array.Resize(ref data, capacity * dimensions);
        }
        return slotCount++;
    }
}
