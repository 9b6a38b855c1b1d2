using RagService.Indexing;

namespace RagService.Search;

/// <summary>
/// File-level fields kept beside the chunk index: a BM25 path field with one document per file (so a file's path
/// counts once, however many chunks it has), and which files define or are named after an identifier (the last two
/// segments of their chunks' symbols, and the file stem), lower-cased.
/// Not thread-safe on its own: <see cref="CodeIndex"/> serialises access.
/// </summary>
public sealed class FileFields
{
    private readonly Bm25Index paths = new();
    private readonly Dictionary<string, long> idOfPath = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (string Path, string[] Names)> files = [];
    private readonly Dictionary<string, HashSet<string>> definers = new(StringComparer.Ordinal);
    private long lastId;

    public void Put(string path, IReadOnlyList<CodeChunk> chunks)
    {
        Remove(path);
        var id = ++lastId;
        var names = DefinedNames(path, chunks);
        idOfPath[path] = id;
        files[id] = (path, names);
        paths.Add(id, Bm25Document.FromChunk(path, string.Empty, string.Empty));
        foreach (var name in names)
        {
            if (!definers.TryGetValue(name, out var set)) definers[name] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(path);
        }
    }

    public void Remove(string path)
    {
        if (!idOfPath.Remove(path, out var id)) return;
        paths.Remove(id);
        files.Remove(id, out var file);
        foreach (var name in file.Names)
        {
            if (definers.TryGetValue(name, out var set) && set.Remove(path) && set.Count == 0) definers.Remove(name);
        }
    }

    public List<(string Path, double Score)> SearchPaths(IReadOnlyList<WeightedTerm> terms, int limit, Func<string, bool>? filter) =>
        paths.Search(terms, limit, filter is null ? null : id => filter(files[id].Path)).Select(m => (files[m.Id].Path, m.Score)).ToList();

    /// <summary>The files that define <paramref name="identifier"/> or whose stem it is (case-insensitive).</summary>
    public IReadOnlyCollection<string> Defining(string identifier) =>
        definers.TryGetValue(identifier.ToLowerInvariant(), out var set) ? set : [];

    private static string[] DefinedNames(string path, IReadOnlyList<CodeChunk> chunks)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var name = path[(path.LastIndexOf('/') + 1)..];
        var dot = name.IndexOf('.', 1);
        names.Add((dot > 0 ? name[..dot] : name).ToLowerInvariant());
        foreach (var chunk in chunks)
        {
            if (chunk.Symbol.Length == 0) continue;
            var segments = chunk.Symbol.Split('.');
            names.Add(segments[^1].ToLowerInvariant());
            // A method's chunk names its type: large types are chunked method by method.
            if (segments.Length > 1) names.Add(segments[^2].ToLowerInvariant());
        }
        return [.. names];
    }
}
