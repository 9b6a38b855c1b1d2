using RagService.Search;

namespace Tests.Rag;

/// <summary>
/// The hashing embedder against the feature-hashing formula written out plainly (tokens, then each token's trigrams
/// over "^token$", FNV-1a buckets with the sign from the top bit): remembering features must not change a single bit,
/// since stored vectors and new queries must stay comparable.
/// </summary>
public sealed class HashingEmbedderTests
{
    // The embedder's keywords that occur in these texts.
    private static readonly HashSet<string> Keywords = ["public", "static", "return", "int", "string", "def"];

    private static float[] Reference(string text, int dimensions, Func<string, double>? termWeight)
    {
        var vector = new float[dimensions];
        foreach (var group in CodeTokenizer.Tokenize(text).GroupBy(t => t).OrderBy(g => FirstIndex(text, g.Key)))
        {
            var token = group.Key;
            var weight = (float)(1 + Math.Log(group.Count())) * (Keywords.Contains(token) ? HashingEmbedder.KeywordWeight : 1f);
            if (termWeight is not null) weight *= (float)termWeight(token);
            Add(token, weight);
            var padded = "^" + token + "$";
            var gramWeight = weight * HashingEmbedder.TrigramWeight / Math.Max(1, padded.Length - 2);
            for (var i = 0; i + 3 <= padded.Length; i++) Add(padded.Substring(i, 3), gramWeight * 3);
        }
        VectorMath.NormalizeInPlace(vector);
        return vector;

        void Add(string feature, float weight)
        {
            var hash = StableHash.Fnv1a(feature);
            vector[(int)(hash % (ulong)dimensions)] += (hash >> 63) == 0 ? weight : -weight;
        }
    }

    // Tokens are summed in first-seen order (float addition is not associative): the order the embedder counts them in.
    private static int FirstIndex(string text, string token) => CodeTokenizer.Tokenize(text).IndexOf(token);

    [Fact]
    public async Task Vectors_equal_the_formula_bit_for_bit_the_first_time_and_when_remembered()
    {
        var embedder = new HashingEmbedder(256);
        string[] texts =
        [
            "public static int ParseHeader(string headerLine) { return headerLine.Length; }",
            "def parse_header(header_line):\n    return len(header_line)",
            "Fix the order service: orders are saved twice when the cache misses",
        ];
        for (var pass = 0; pass < 2; pass++)
        {
            var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);
            for (var i = 0; i < texts.Length; i++) Assert.Equal(Reference(texts[i], 256, null), vectors[i]);
            Func<string, double> idf = term => 1 + term.Length % 3;
            Assert.Equal(Reference(texts[2], 256, idf), await embedder.EmbedQueryAsync(texts[2], idf, CancellationToken.None));
        }
    }
}
