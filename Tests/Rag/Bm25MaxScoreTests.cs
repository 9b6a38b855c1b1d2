using FsCheck;
using FsCheck.Fluent;
using RagService.Search;

namespace Tests.Rag;

/// <summary>MaxScore top-k (<see cref="Bm25Index.Search(IReadOnlyList{WeightedTerm}, int, Func{long, bool}?)"/>) equals exhaustive BM25 scoring.</summary>
public sealed class Bm25MaxScoreTests
{
    // Zipf-like: a few words in most documents, most words in few, as in code.
    private static readonly string[] Vocabulary = Enumerable.Range(0, 400).Select(i => $"w{i}").ToArray();

    private static string Word(Random random) => Vocabulary[(int)(Vocabulary.Length * Math.Pow(random.NextDouble(), 3))];

    private static string Words(Random random, int min, int max) =>
        string.Join(' ', Enumerable.Range(0, random.Next(min, max)).Select(_ => Word(random)));

    /// <summary>A corpus built, partly removed and partly re-added, from a seed.</summary>
    private static (Bm25Index Index, Random Random) Corpus(int seed)
    {
        var random = new Random(seed);
        var index = new Bm25Index();
        var documents = random.Next(1, 600);
        for (var id = 1; id <= documents; id++)
            index.Add(id, new Bm25Document(Words(random, 0, 4).Split(' ', StringSplitOptions.RemoveEmptyEntries),
                Words(random, 0, 3).Split(' ', StringSplitOptions.RemoveEmptyEntries), Words(random, 0, 60).Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        for (var i = 0; i < documents / 3; i++) index.Remove(random.Next(1, documents + 1));
        for (var i = 0; i < documents / 10; i++)
            index.Add(random.Next(1, documents + 1), new Bm25Document([], [Word(random)], Words(random, 1, 30).Split(' ')));
        return (index, random);
    }

    private static List<(long Id, double Score)> Exhaustive(Bm25Index index, IReadOnlyList<WeightedTerm> query, int limit, Func<long, bool>? filter) =>
        index.Score(query).Where(p => filter is null || filter(p.Key))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(limit).Select(p => (p.Key, p.Value)).ToList();

    [Fact]
    public void Top_k_ids_and_scores_equal_exhaustive_scoring()
    {
        Prop.ForAll<int>(seed =>
        {
            var (index, random) = Corpus(seed);
            for (var q = 0; q < 5; q++)
            {
                var query = Enumerable.Range(0, random.Next(1, 12))
                    .Select(_ => new WeightedTerm(random.Next(20) == 0 ? "absent" : Word(random), random.Next(3) switch { 0 => 0.3, 1 => 1.0, _ => 0.5 + random.NextDouble() }))
                    .ToList();
                var limit = random.Next(1, 25);
                Func<long, bool>? filter = random.Next(3) == 0 ? id => id % 3 != 0 : null;
                var expected = Exhaustive(index, query, limit, filter);
                var actual = index.Search(query, limit, filter);
                if (!expected.SequenceEqual(actual))
                    throw new InvalidOperationException($"seed {seed}, query {string.Join(' ', query)}, limit {limit}: expected {string.Join(", ", expected)} but got {string.Join(", ", actual)}");
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Common_terms_postings_are_mostly_not_scored()
    {
        var random = new Random(11);
        var index = new Bm25Index();
        for (var id = 1; id <= 5_000; id++)
        {
            var body = new List<string> { "common", "frequent" };
            if (id % 500 == 0) body.Add("rare");
            body.AddRange(Words(random, 5, 20).Split(' '));
            index.Add(id, new Bm25Document([], [], body));
        }
        IReadOnlyList<WeightedTerm> query = [new("common", 1), new("frequent", 1), new("rare", 1)];
        var all = index.Score(query).Count;

        var top = index.Search(query, 5, null, out var scored);

        Assert.Equal(Exhaustive(index, query, 5, null), top);
        Assert.All(top, hit => Assert.Equal(0, hit.Id % 500));
        Assert.True(scored < all / 10, $"{scored} postings scored; exhaustive scoring scores {2 * all + 10}");
    }
}
