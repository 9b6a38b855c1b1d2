using RagService.History;

namespace RagService.Search;

/// <summary>
/// The file ranking: the content ranking (<see cref="FileRanker"/> over the fused chunk scores) combined with the
/// file-level signals of <see cref="RankingOptions"/>. Candidates are the files the chunks bring plus the best files of
/// the history and path fields and the files that define an identifier the request names; each signal is divided by its
/// best candidate's value, so the weights compare like with like whatever the raw BM25 scales. With every signal off,
/// the content ranking is returned unchanged.
/// </summary>
public static class FileFusion
{
    public static List<FileHit> Rank(List<FileHit> content, FileQuery query, CodeIndex index, RankingOptions options)
    {
        if (options.IsContentOnly) return content;
        var filter = query.PathPrefix is { } prefix ? (Func<string, bool>)(p => p.StartsWith(prefix, StringComparison.Ordinal)) : null;
        var history = index.History?.Field;

        var candidates = new Dictionary<string, Signals>(StringComparer.Ordinal);
        Add(content.Select(f => (f.Path, f.Score)), (s, v) => s.Content = v);
        if (history is not null && options.History > 0) Add(history.Search(query.Terms, options.FieldCandidates, filter), (s, v) => s.History = v);
        if (options.Path > 0) Add(index.SearchPaths(query.Terms, options.FieldCandidates, filter), (s, v) => s.Path = v);
        if (options.Identifier > 0)
        {
            foreach (var identifier in query.Identifiers)
            {
                var definers = index.Defining(identifier).Where(p => filter is null || filter(p)).ToList();
                if (definers.Count == 0 || definers.Count > options.MaxIdentifierFiles) continue;
                foreach (var path in definers) Get(path).Identifier = Math.Min(1.0, Get(path).Identifier + 1.0 / definers.Count);
            }
        }

        var aboutTests = TestFiles.IsAboutTests(query.Terms);
        var ranked = new List<FileHit>(candidates.Count);
        foreach (var (path, s) in candidates)
        {
            var score = s.Content + options.History * s.History + options.Path * s.Path + options.Identifier * s.Identifier;
            if (history is not null && options.Recency > 0 && (s.Content > 0 || s.History > 0))
                score += options.Recency * history.Recency(path, options.RecencyScaleCommits);
            if (!aboutTests && TestFiles.IsTest(path)) score *= options.TestFileFactor;
            ranked.Add(new FileHit(path, score));
        }
        ranked.Sort((a, b) => b.Score.CompareTo(a.Score) is var c && c != 0 ? c : string.CompareOrdinal(a.Path, b.Path));
        return ranked;

        void Add(IEnumerable<(string Path, double Score)> scores, Action<Signals, double> set)
        {
            var list = scores.ToList();
            var best = list.Count == 0 ? 0 : list.Max(s => s.Score);
            if (best <= 0) return;
            foreach (var (path, score) in list) set(Get(path), score / best);
        }

        Signals Get(string path)
        {
            if (!candidates.TryGetValue(path, out var signals)) candidates[path] = signals = new Signals();
            return signals;
        }
    }

    private sealed class Signals
    {
        public double Content { get; set; }
        public double History { get; set; }
        public double Path { get; set; }
        public double Identifier { get; set; }
    }
}

/// <summary>A request as the file ranking sees it: analysed terms, the identifiers it names, the path filter.</summary>
public sealed record FileQuery(IReadOnlyList<WeightedTerm> Terms, IReadOnlyList<string> Identifiers, string? PathPrefix);
