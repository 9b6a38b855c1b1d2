using RagService.Search;

namespace RagService.History;

/// <summary>
/// The history as a searchable field: one BM25 document per current file, made of the messages of the commits that
/// touched it (commit messages describe a file in the words change requests use), and each file's recency.
/// Immutable once built; a re-index builds a new one.
/// </summary>
public sealed class HistoryField
{
    private readonly Bm25Index messages = new();
    private readonly string[] paths;
    private readonly Dictionary<string, FileHistory> files;

    private HistoryField(Dictionary<string, FileHistory> files)
    {
        this.files = files;
        paths = [.. files.Keys.Order(StringComparer.Ordinal)];
        for (var id = 0; id < paths.Length; id++)
        {
            var terms = new List<string>();
            foreach (var message in files[paths[id]].Messages) CodeTokenizer.Tokenize(message, terms);
            if (terms.Count > 0) messages.Add(id, new Bm25Document([], [], terms));
        }
    }

    public static HistoryField Build(Dictionary<string, FileHistory> files) => new(files);

    public int FileCount => paths.Length;

    /// <summary>The best files by BM25 of their history document, best first.</summary>
    public List<(string Path, double Score)> Search(IReadOnlyList<WeightedTerm> terms, int limit, Func<string, bool>? filter = null) =>
        messages.Search(terms, limit, filter is null ? null : id => filter(paths[(int)id]))
            .Select(m => (paths[(int)m.Id], m.Score))
            .ToList();

    /// <summary>1 for a file the head commit touched, decaying by e^(−commits since / scale); 0 for a file the history never touched.</summary>
    public double Recency(string path, double scaleCommits) =>
        files.TryGetValue(path, out var file) ? Math.Exp(-file.NewestCommit / Math.Max(1.0, scaleCommits)) : 0;

    public FileHistory? Of(string path) => files.GetValueOrDefault(path);
}
