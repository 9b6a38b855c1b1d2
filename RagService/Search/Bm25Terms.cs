using System.Runtime.InteropServices;

namespace RagService.Search;

/// <summary>
/// A <see cref="Bm25Document"/> counted: its distinct terms (in first-seen order) with their frequency in each field,
/// and the fields' lengths. Counting is the costly part of adding a document; it needs no index, so indexing does it
/// in parallel and <see cref="Bm25Index.Add(long, Bm25Terms)"/> only appends postings.
/// </summary>
public sealed class Bm25Terms
{
    private Bm25Terms(string[] terms, ushort[] frequencies, int[] lengths)
    {
        Terms = terms;
        Frequencies = frequencies;
        Lengths = lengths;
    }

    public const int FieldCount = 3;

    // Per thread, reused, like ChunkFields' lists.
    [ThreadStatic] private static Scratch? scratch;

    /// <summary>Distinct terms.</summary>
    public string[] Terms { get; }

    /// <summary>Per term, its frequency in the path, symbol and body fields (<see cref="FieldCount"/> entries a term).</summary>
    public ushort[] Frequencies { get; }

    /// <summary>Terms in the path, symbol and body fields.</summary>
    public int[] Lengths { get; }

    public static Bm25Terms Count(Bm25Document document) => Count(document.PathTerms, document.SymbolTerms, document.BodyTerms);

    /// <summary>The counted <see cref="Bm25Document.FromChunk"/>, without materialising it.</summary>
    public static Bm25Terms FromChunk(string path, string symbol, string text)
    {
        var fields = ChunkFields.Tokenize(path, symbol, text);
        return Count(fields.Path, fields.Symbol, fields.Body);
    }

    /// <summary>Counts a document's fields, given as terms.</summary>
    public static Bm25Terms Count(IReadOnlyList<string> path, IReadOnlyList<string> symbol, IReadOnlyList<string> body)
    {
        var s = scratch ??= new Scratch();
        var indexOf = s.IndexOf;
        var frequencies = s.Frequencies;
        indexOf.Clear();
        frequencies.Clear();
        Add(path, 0);
        Add(symbol, 1);
        Add(body, 2);
        var terms = new string[indexOf.Count];
        foreach (var (term, i) in indexOf) terms[i] = term;
        return new Bm25Terms(terms, [.. frequencies], [path.Count, symbol.Count, body.Count]);

        void Add(IReadOnlyList<string> fieldTerms, int field)
        {
            foreach (var term in fieldTerms)
            {
                ref var i = ref CollectionsMarshal.GetValueRefOrAddDefault(indexOf, term, out var exists);
                if (!exists)
                {
                    i = indexOf.Count - 1;
                    for (var f = 0; f < FieldCount; f++) frequencies.Add(0);
                }
                var at = i * FieldCount + field;
                if (frequencies[at] < ushort.MaxValue) frequencies[at]++;
            }
        }
    }

    private sealed class Scratch
    {
        public Dictionary<string, int> IndexOf { get; } = new(StringComparer.Ordinal);
        public List<ushort> Frequencies { get; } = [];
    }
}
