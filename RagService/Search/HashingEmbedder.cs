using System.Runtime.InteropServices;

namespace RagService.Search;

/// <summary>
/// Local embedder that needs no network and no model: signed feature hashing ("hashing trick") of
/// identifier sub-tokens (weight 1, sub-linear in frequency) and of character trigrams of each token
/// (weight <see cref="TrigramWeight"/>, so "caching" and "cache", "serialize" and "serializer" land close),
/// L2-normalised. Code keywords get a small weight so that vectors describe what the code is about rather than
/// which language it is written in. The sign bit halves the bias of hash collisions.
/// </summary>
public sealed class HashingEmbedder(int dimensions = HashingEmbedder.DefaultDimensions) : ITermEmbedder
{
    public const int DefaultDimensions = 768;
    public const float TrigramWeight = 0.35f;
    public const float KeywordWeight = 0.1f;

    // Per thread, reused: fresh ones for every chunk were most of what embedding allocated.
    [ThreadStatic] private static List<string>? scratchTokens;
    [ThreadStatic] private static Dictionary<string, int>? scratchCounts;

    public int Dimensions { get; } = dimensions;

    public string ModelId => $"hashing-v1-{Dimensions}";

    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Count][];
        // CPU-bound and independent per text: use the cores for indexing batches.
        Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => vectors[i] = Embed(texts[i], termWeight: null));
        return Task.FromResult(vectors);
    }

    /// <summary>
    /// Query features are weighted by the index's inverse document frequency, documents' are not: the dot product
    /// then behaves like TF-IDF cosine while stored document vectors stay independent of the corpus (so they
    /// survive incremental re-indexing unchanged).
    /// </summary>
    public Task<float[]> EmbedQueryAsync(string query, Func<string, double>? termWeight, CancellationToken cancellationToken) =>
        Task.FromResult(Embed(query, termWeight));

    public float[] EmbedTerms(ReadOnlySpan<string> terms) => Embed(terms, termWeight: null);

    private float[] Embed(string text, Func<string, double>? termWeight)
    {
        var tokens = scratchTokens ??= [];
        tokens.Clear();
        CodeTokenizer.Tokenize(text, tokens);
        return Embed(CollectionsMarshal.AsSpan(tokens), termWeight);
    }

    private float[] Embed(ReadOnlySpan<string> tokens, Func<string, double>? termWeight)
    {
        var vector = new float[Dimensions];
        var counts = scratchCounts ??= new Dictionary<string, int>(StringComparer.Ordinal);
        counts.Clear();
        foreach (var token in tokens) CollectionsMarshal.GetValueRefOrAddDefault(counts, token, out _)++;
        // Tokens are at most MaxTokenLength characters, so "^token$" fits on the stack.
        Span<char> padded = stackalloc char[CodeTokenizer.MaxTokenLength + 2];
        foreach (var (token, count) in counts)
        {
            var weight = (float)(1 + Math.Log(count)) * (CodeKeywords.Contains(token) ? KeywordWeight : 1f);
            if (termWeight is not null) weight *= (float)termWeight(token);
            Add(vector, token, weight);
            // Trigrams over "^token$" so word starts and ends are features of their own.
            var length = token.Length + 2;
            padded[0] = '^';
            token.CopyTo(padded[1..]);
            padded[length - 1] = '$';
            var gramWeight = weight * TrigramWeight / Math.Max(1, length - 2);
            for (var i = 0; i + 3 <= length; i++) Add(vector, padded.Slice(i, 3), gramWeight * 3);
        }
        VectorMath.NormalizeInPlace(vector);
        return vector;
    }

    private void Add(float[] vector, ReadOnlySpan<char> feature, float weight)
    {
        var hash = StableHash.Fnv1a(feature);
        var bucket = (int)(hash % (ulong)Dimensions);
        vector[bucket] += (hash >> 63) == 0 ? weight : -weight;
    }

    /// <summary>Keywords and ubiquitous names of C#, Python, Go, TypeScript/JavaScript and Java (after tokenization).</summary>
    private static readonly HashSet<string> CodeKeywords = new(StringComparer.Ordinal)
    {
        "public", "private", "protected", "internal", "static", "void", "return", "var", "new", "class", "using",
        "namespace", "import", "def", "self", "this", "func", "const", "let", "function", "else", "for", "while",
        "int", "string", "bool", "true", "false", "null", "none", "await", "async", "readonly", "override", "virtual",
        "get", "set", "value", "package", "type", "struct", "interface", "sealed", "record", "abstract", "final",
        "throw", "try", "catch", "finally", "case", "switch", "break", "continue", "default", "err", "nil", "export",
        "extend", "implement", "elif", "pass", "lambda", "yield", "with", "object", "long", "double", "float", "char",
        "byte", "task", "list", "undefined", "boolean", "number", "any", "fn", "pub", "impl", "mut",
        "args", "kwargs", "cl", "ctx", "cancellationtoken", "ct",
    };
}
