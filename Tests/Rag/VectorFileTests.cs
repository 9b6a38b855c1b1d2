using RagService.Search;

namespace Tests.Rag;

/// <summary>The memory-mapped file of re-scoring vectors: what was written is read back, across the re-maps of its growth.</summary>
public sealed class VectorFileTests
{
    [Fact]
    public void Vectors_written_in_runs_and_one_by_one_read_back_after_the_file_grew()
    {
        const int Dimensions = 8;
        using var file = new VectorFile(Dimensions);
        var expected = new Dictionary<int, float[]>();
        var random = new Random(1);
        // 5,000 slots: the file starts at 1,024 and is re-mapped at every doubling on the way.
        for (var slot = 0; slot < 5000;)
        {
            var run = random.Next(1, 40);
            var vectors = Enumerable.Range(0, run * Dimensions).Select(_ => (float)random.NextDouble()).ToArray();
            file.Write(slot, vectors);
            for (var i = 0; i < run; i++) expected[slot + i] = vectors[(i * Dimensions)..((i + 1) * Dimensions)];
            slot += run;
        }
        file.Write(3, expected[4999]); // a slot overwritten in place
        expected[3] = expected[4999];

        foreach (var (slot, vector) in expected) Assert.Equal(vector, file.Vector(slot).ToArray());
        Assert.Equal(expected.Count * Dimensions * sizeof(float), file.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.Vector(expected.Count).ToArray());
    }
}
