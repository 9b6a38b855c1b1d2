using RagService.Search;

namespace Tests.Rag;

/// <summary>The SimHash-filtered, exactly re-scored vector index against exact search over the same vectors.</summary>
public sealed class QuantizedVectorIndexTests
{
    private const int Dimensions = 96;

    /// <summary>Sparse unit vectors, like the feature-hashing embedder's (most coordinates zero).</summary>
    private static float[] SparseVector(Random random)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < 12; i++) vector[random.Next(Dimensions)] += (float)(random.NextDouble() * 2 - 1);
        VectorMath.NormalizeInPlace(vector);
        return vector;
    }

    private static float[] Near(float[] vector, Random random, float noise)
    {
        var near = vector.Select(x => x + (float)(random.NextDouble() * 2 - 1) * noise).ToArray();
        VectorMath.NormalizeInPlace(near);
        return near;
    }

    private static async Task<(QuantizedVectorIndex Approximate, ExactVectorIndex Exact, List<float[]> Vectors)> BuildAsync(int count, int seed)
    {
        var random = new Random(seed);
        var vectors = Enumerable.Range(0, count).Select(_ => SparseVector(random)).ToList();
        var entries = vectors.Select((v, i) => new VectorEntry(i + 1, $"f{i % 50}.cs", v)).ToList();
        var approximate = new QuantizedVectorIndex();
        var exact = new ExactVectorIndex();
        foreach (var batch in entries.Chunk(500))
        {
            await approximate.UpsertAsync(batch, CancellationToken.None);
            await exact.UpsertAsync(batch, CancellationToken.None);
        }
        return (approximate, exact, vectors);
    }

    [Fact]
    public async Task Up_to_the_candidate_count_it_is_exact_search()
    {
        var (approximate, exact, vectors) = await BuildAsync(QuantizedVectorIndex.MinimumCandidates, seed: 1);
        using var _ = approximate;
        var random = new Random(2);
        for (var q = 0; q < 20; q++)
        {
            var query = SparseVector(random);
            var expected = await exact.SearchAsync(query, 10, CancellationToken.None);
            var actual = await approximate.SearchAsync(query, 10, CancellationToken.None);
            Assert.Equal(expected.Select(m => m.Id), actual.Select(m => m.Id));
            Assert.Equal(expected.Select(m => m.Score), actual.Select(m => m.Score));
        }
        Assert.Equal(vectors.Count, approximate.Count);
    }

    [Fact]
    public async Task Beyond_it_the_nearest_neighbours_are_found_with_exact_scores()
    {
        var (approximate, exact, vectors) = await BuildAsync(30_000, seed: 3);
        using var _ = approximate;
        var random = new Random(4);
        var found = 0;
        for (var q = 0; q < 50; q++)
        {
            var query = Near(vectors[random.Next(vectors.Count)], random, 0.05f);
            var expected = await exact.SearchAsync(query, 10, CancellationToken.None);
            var actual = await approximate.SearchAsync(query, 10, CancellationToken.None);
            var truth = expected.ToDictionary(m => m.Id, m => m.Score);
            found += actual.Count(m => truth.ContainsKey(m.Id));
            Assert.Equal(expected[0], actual[0]); // the vector the query was drawn near, with its exact score
            Assert.True(actual.Zip(actual.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        }
        Assert.True(found / 500.0 >= 0.95, $"recall@10 {found / 500.0:F3}");
        // In memory a vector is its 2048-bit signature (256 bytes), not 96 float32 (384 bytes) and certainly not 768.
        Assert.True(approximate.MemoryBytes < vectors.Count * 2L * (QuantizedVectorIndex.DefaultBits / 8), $"{approximate.MemoryBytes} bytes");
        Assert.Equal(vectors.Count * (long)Dimensions * sizeof(float), approximate.DiskBytes);
    }

    [Fact]
    public async Task Removed_vectors_are_never_returned_and_replaced_ones_score_anew()
    {
        var (approximate, _, vectors) = await BuildAsync(200, seed: 5);
        using var _ = approximate;
        await approximate.RemoveFileAsync("f0.cs", Enumerable.Range(0, 200).Where(i => i % 50 == 0).Select(i => (long)i + 1).ToList(), CancellationToken.None);
        var hits = await approximate.SearchAsync(vectors[0], 200, CancellationToken.None);
        Assert.Equal(196, hits.Count);
        Assert.DoesNotContain(hits, m => (m.Id - 1) % 50 == 0);

        // Slots freed by the removal are reused; the new vector answers for its id.
        await approximate.UpsertAsync([new VectorEntry(1, "f0.cs", vectors[7]), new VectorEntry(8, "f7.cs", vectors[0])], CancellationToken.None);
        var seven = await approximate.SearchAsync(vectors[7], 2, CancellationToken.None);
        var zero = await approximate.SearchAsync(vectors[0], 2, CancellationToken.None);
        Assert.Equal((1L, 1f), (seven[0].Id, MathF.Round(seven[0].Score, 5)));
        Assert.Equal((8L, 1f), (zero[0].Id, MathF.Round(zero[0].Score, 5)));
        Assert.True(seven[1].Score < 0.99f);
        Assert.Equal(197, approximate.Count);
    }

    /// <summary>Slots (insertion order here) of the closest signatures by all their bits, ties by slot: what the two passes approximate.</summary>
    private static List<int> ClosestByWholeSignature(ulong[][] signatures, SimHasher hasher, float[] query, int count)
    {
        var q = new ulong[hasher.Words];
        hasher.Sign(query, q);
        return signatures.Select((code, slot) => (Distance: code.Zip(q, (a, b) => System.Numerics.BitOperations.PopCount(a ^ b)).Sum(), Slot: slot))
            .OrderBy(d => d.Distance).ThenBy(d => d.Slot).Take(count).Select(d => d.Slot).Order().ToList();
    }

    private static ulong[][] Signatures(SimHasher hasher, List<float[]> vectors) =>
        vectors.Select(v =>
        {
            var code = new ulong[hasher.Words];
            hasher.Sign(v, code);
            return code;
        }).ToArray();

    [Fact]
    public async Task When_the_first_rotation_keeps_everything_the_candidates_are_the_closest_whole_signatures()
    {
        var (approximate, _, vectors) = await BuildAsync(2000, seed: 6);
        using var _ = approximate;
        var hasher = new SimHasher(Dimensions, QuantizedVectorIndex.DefaultBits);
        var signatures = Signatures(hasher, vectors);
        var random = new Random(7);
        for (var q = 0; q < 5; q++)
        {
            var query = SparseVector(random);
            // 8 x 250 candidates from the first pass cover all 2000 vectors: the second pass sees every one.
            Assert.Equal(ClosestByWholeSignature(signatures, hasher, query, 250), approximate.Candidates(query, 250));
        }
    }

    [Fact]
    public async Task A_first_pass_split_over_the_cores_finds_what_one_scan_finds()
    {
        // Enough vectors for the first pass to run in parts, with some slots emptied in each part.
        var count = QuantizedVectorIndex.MinimumSlotsPerScanPart * 2 + 1000;
        var (approximate, _, vectors) = await BuildAsync(count, seed: 11);
        using var _ = approximate;
        var removed = Enumerable.Range(0, count).Where(i => i % 997 == 0).ToList();
        await approximate.RemoveFileAsync("f.cs", removed.Select(i => (long)i + 1).ToList(), CancellationToken.None);
        var hasher = new SimHasher(Dimensions, QuantizedVectorIndex.DefaultBits);
        var signatures = Signatures(hasher, vectors);
        var random = new Random(12);
        for (var q = 0; q < 3; q++)
        {
            var query = SparseVector(random);
            var code = new ulong[hasher.Words];
            hasher.Sign(query, code);
            // 8 x this many from the first pass is every vector: the second pass ranks all live ones by the whole signature.
            var wanted = count / QuantizedVectorIndex.CoarseOversampling + 1;
            var expected = Enumerable.Range(0, count).Where(slot => slot % 997 != 0)
                .OrderBy(slot => signatures[slot].Zip(code, (a, b) => System.Numerics.BitOperations.PopCount(a ^ b)).Sum()).ThenBy(slot => slot)
                .Take(wanted).Order().ToList();
            Assert.Equal(expected, approximate.Candidates(query, wanted));
        }
    }

    [Fact]
    public async Task At_768_dimensions_the_first_rotation_pass_loses_few_of_the_closest_whole_signatures()
    {
        // The embedder's dimensions: one rotation is 1024 of the 2048 bits.
        const int Wide = 768;
        var random = new Random(8);
        // 80 clusters of 100 around sparse centres, like chunks about one subject.
        var centres = Enumerable.Range(0, 80).Select(_ =>
        {
            var v = new float[Wide];
            for (var i = 0; i < 60; i++) v[random.Next(Wide)] += (float)(random.NextDouble() * 2 - 1);
            VectorMath.NormalizeInPlace(v);
            return v;
        }).ToList();
        var vectors = centres.SelectMany(c => Enumerable.Range(0, 100).Select(_ => Near(c, random, 0.03f))).ToList();
        using var approximate = new QuantizedVectorIndex();
        await approximate.UpsertAsync(vectors.Select((v, i) => new VectorEntry(i + 1, "f.cs", v)).ToList(), CancellationToken.None);
        var hasher = new SimHasher(Wide, QuantizedVectorIndex.DefaultBits);
        var signatures = Signatures(hasher, vectors);
        const int Count = 100; // the first pass keeps 800 of 8,000
        var kept = 0;
        for (var q = 0; q < 10; q++)
        {
            var query = Near(centres[random.Next(centres.Count)], random, 0.03f);
            var candidates = approximate.Candidates(query, Count);
            Assert.Equal(Count, candidates.Length);
            Assert.True(candidates.Zip(candidates.Skip(1)).All(p => p.First < p.Second)); // slot order, no repeats
            kept += candidates.Intersect(ClosestByWholeSignature(signatures, hasher, query, Count)).Count();
        }
        Assert.True(kept >= 0.95 * 10 * Count, $"{kept} of {10 * Count}");
    }

    [Fact]
    public void Closest_picks_the_smallest_distances_with_ties_by_index_and_never_an_empty_slot()
    {
        var random = new Random(10);
        const int MaxDistance = 64;
        for (var round = 0; round < 50; round++)
        {
            // Many ties; some entries are empty slots (beyond the histogram).
            var distances = Enumerable.Range(0, random.Next(1, 400))
                .Select(_ => random.Next(10) == 0 ? ushort.MaxValue : (ushort)random.Next(MaxDistance + 1)).ToArray();
            var histogram = new int[MaxDistance + 1];
            foreach (var d in distances.Where(d => d <= MaxDistance)) histogram[d]++;
            var count = random.Next(1, 450);
            var expected = distances.Select((d, i) => (d, i)).Where(p => p.d <= MaxDistance)
                .OrderBy(p => p.d).ThenBy(p => p.i).Take(count).Select(p => p.i).Order().ToArray();
            Assert.Equal(expected, QuantizedVectorIndex.Closest(distances, histogram, count));
        }
    }
}
