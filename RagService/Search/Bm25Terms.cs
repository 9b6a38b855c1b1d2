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

    /// <summary>Distinct terms.</summary>
    public string[] Terms { get; }

    /// <summary>Per term, its frequency in the path, symbol and body fields (<see cref="FieldCount"/> entries a term).</summary>
    public ushort[] Frequencies { get; }

    /// <summary>Terms in the path, symbol and body fields.</summary>
    public int[] Lengths { get; }

    public static Bm25Terms Count(Bm25Document document)
    {
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var frequencies = new List<ushort>();
        Add(document.PathTerms, 0);
        Add(document.SymbolTerms, 1);
        Add(document.BodyTerms, 2);
        var terms = new string[indexOf.Count];
        foreach (var (term, i) in indexOf) terms[i] = term;
        return new Bm25Terms(terms, [.. frequencies], [document.PathTerms.Count, document.SymbolTerms.Count, document.BodyTerms.Count]);

        void Add(IReadOnlyList<string> fieldTerms, int field)
        {
            foreach (var term in fieldTerms)
            {
                if (!indexOf.TryGetValue(term, out var i))
                {
                    i = indexOf.Count;
                    indexOf[term] = i;
                    for (var f = 0; f < FieldCount; f++) frequencies.Add(0);
                }
                var at = i * FieldCount + field;
                if (frequencies[at] < ushort.MaxValue) frequencies[at]++;
            }
        }
    }
}
