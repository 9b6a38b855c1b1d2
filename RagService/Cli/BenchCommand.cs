using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RagService.Indexing;
using RagService.Search;

namespace RagService.Cli;

/// <summary>
/// <c>bench --root DIR [--queries N] [--k 10] [--alpha 0.3]</c>: indexing throughput (cold, then an unchanged
/// re-index) and query latency percentiles at the resulting index size, over a deterministic query mix drawn
/// from the index itself: symbol names, short phrases and long commit-message-like descriptions.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var root = CliOptions.Root();
        var queries = new Option<int>("--queries") { Description = "Number of timed queries.", DefaultValueFactory = _ => 300 };
        var k = new Option<int>("--k") { Description = "Results per query.", DefaultValueFactory = _ => 10 };
        var alpha = new Option<float>("--alpha") { Description = "Fusion weight of the dense score.", DefaultValueFactory = _ => SearchLimits.DefaultAlpha };
        var command = new Command("bench", "Measure indexing throughput and query latency.") { root, queries, k, alpha };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(root)!;
            var count = parse.GetValue(queries);
            var kValue = parse.GetValue(k);
            var alphaValue = parse.GetValue(alpha);
            if (!directory.Exists) return CliOptions.Fail($"Repository folder '{directory.FullName}' does not exist.");
            if (count is < 1 or > 100_000) return CliOptions.Fail("--queries must be between 1 and 100000.");
            try
            {
                SearchLimits.Validate(new SearchRequest("x", kValue, alphaValue));
            }
            catch (InvalidSearchRequestException e)
            {
                return CliOptions.Fail(e.Message);
            }
            await RunAsync(directory.FullName, count, kValue, alphaValue, Console.Out, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static async Task RunAsync(string root, int queryCount, int k, float alpha, TextWriter output, CancellationToken cancellationToken)
    {
        var ci = CultureInfo.InvariantCulture;
        var embedder = EmbedderFactory.Create(CliEngine.Configuration());
        using var vectors = new QuantizedVectorIndex();
        var index = new CodeIndex(vectors);
        var indexer = new RepositoryIndexer(embedder, IndexingOptions.Default);
        var cold = await CliProgress.RunAsync(p => indexer.IndexAsync(root, index, progress: p, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var warm = await indexer.IndexAsync(root, index, cancellationToken: cancellationToken).ConfigureAwait(false);

        output.WriteLine(string.Create(ci, $"Machine:   {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}"));
        output.WriteLine(string.Create(ci, $"Embedder:  {embedder.ModelId}"));
        output.WriteLine(string.Create(ci, $"Index:     {cold.Files} files, {cold.Chunks} chunks, {cold.BytesRead / 1024.0 / 1024.0:F1} MiB of text"));
        output.WriteLine(string.Create(ci, $"Indexing:  {cold.Duration.TotalSeconds:F2} s cold = {cold.Files / cold.Duration.TotalSeconds:F0} files/s, {cold.Chunks / cold.Duration.TotalSeconds:F0} chunks/s, {cold.BytesRead / 1024.0 / 1024.0 / cold.Duration.TotalSeconds:F2} MiB/s"));
        output.WriteLine(string.Create(ci, $"Re-index:  {warm.Duration.TotalMilliseconds:F0} ms with nothing changed ({warm.FilesChanged} files re-chunked)"));
        var (terms, postings) = index.LexicalSize();
        output.WriteLine(string.Create(ci, $"Memory:    dense {Mib(vectors.MemoryBytes)} MiB in memory ({QuantizedVectorIndex.DefaultBits}-bit signatures; float32 originals {Mib(vectors.DiskBytes)} MiB on disk, exact float32 in memory would take {Mib((long)vectors.Count * (vectors.DiskBytes / Math.Max(1, vectors.Count)))} MiB); lexical {Mib(index.LexicalMemoryBytes())} MiB ({terms} terms, {postings} postings)"));

        var mix = QueryMix(index, queryCount);
        // Indexing leaves the collector a large new heap to catch up with on both cores: let it finish first, so the
        // latencies below are the queries' own (a service indexes, then answers queries later).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var searcher = new HybridSearcher(embedder);
        foreach (var warmup in mix.Take(10)) await searcher.SearchAsync(index, new SearchRequest(warmup, k, alpha), cancellationToken).ConfigureAwait(false);
        var latencies = new List<double>(mix.Count);
        var cpu = new List<double>(mix.Count);
        var total = Stopwatch.StartNew();
        foreach (var query in mix)
        {
            var one = Stopwatch.StartNew();
            var cpuBefore = ProcessCpuClock.Now();
            searcher.SearchAsync(index, new SearchRequest(query, k, alpha), cancellationToken).GetAwaiter().GetResult();
            cpu.Add((ProcessCpuClock.Now() - cpuBefore).TotalMilliseconds);
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }
        total.Stop();
        output.WriteLine(string.Create(ci, $"Queries:   {mix.Count} (symbol names, short phrases, long descriptions), k={k}, alpha={alpha}"));
        output.WriteLine(string.Create(ci, $"Latency:   {Summary(latencies)}"));
        if (ProcessCpuClock.IsSupported) output.WriteLine(string.Create(ci, $"CPU/query: {Summary(cpu)} (process CPU time, all threads: without waiting for a core)"));
        output.WriteLine(string.Create(ci, $"Throughput: {mix.Count / total.Elapsed.TotalSeconds:F0} queries/s (one thread)"));
        Lexical(index, mix, output);
        await DenseRecallAsync(index, vectors, embedder, mix, output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>MaxScore top-k against exhaustive BM25 scoring and sorting (the anchor) over the same index.</summary>
    private static void Lexical(CodeIndex index, List<string> mix, TextWriter output)
    {
        var pruned = new List<double>(mix.Count);
        var anchor = new List<double>(mix.Count);
        var differ = 0;
        foreach (var query in mix)
        {
            var terms = QueryAnalyzer.Analyze(query);
            var clock = Stopwatch.StartNew();
            var top = index.SearchLexical(terms, HybridSearcher.CandidatePool);
            pruned.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var all = index.ScoreLexical(terms).OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(HybridSearcher.CandidatePool).Select(p => (p.Key, p.Value)).ToList();
            anchor.Add(clock.Elapsed.TotalMilliseconds);
            if (!top.SequenceEqual(all)) differ++;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Lexical:   top {HybridSearcher.CandidatePool} by MaxScore {Summary(pruned)}; exhaustive (anchor) {Summary(anchor)}; {differ} of {mix.Count} rankings differ"));
    }

    /// <summary>The approximate dense index against exact search over the same vectors (the anchor), per query of the mix.</summary>
    private static async Task DenseRecallAsync(CodeIndex index, QuantizedVectorIndex vectors, IEmbedder embedder, List<string> mix, TextWriter output, CancellationToken cancellationToken)
    {
        const int RecallAt = 10;
        var ci = CultureInfo.InvariantCulture;
        var exact = new ExactVectorIndex();
        foreach (var batch in vectors.Entries().Chunk(4096)) await exact.UpsertAsync(batch, cancellationToken).ConfigureAwait(false);
        var approximate = new List<double>(mix.Count);
        var anchor = new List<double>(mix.Count);
        var found = 0;
        var expected = 0;
        foreach (var query in mix)
        {
            var vector = await embedder.EmbedQueryAsync(query, index.InverseDocumentFrequency, cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var truth = await exact.SearchAsync(vector, HybridSearcher.CandidatePool, cancellationToken).ConfigureAwait(false);
            anchor.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var approx = await vectors.SearchAsync(vector, HybridSearcher.CandidatePool, cancellationToken).ConfigureAwait(false);
            approximate.Add(clock.Elapsed.TotalMilliseconds);
            var top = approx.Take(RecallAt).Select(m => m.Id).ToHashSet();
            var want = truth.Take(RecallAt).ToList();
            found += want.Count(m => top.Contains(m.Id));
            expected += want.Count;
        }
        output.WriteLine(string.Create(ci, $"Dense:     recall@{RecallAt} {(double)found / Math.Max(1, expected):F3} against exact search; top {HybridSearcher.CandidatePool} approximate {Summary(approximate)}; exact (anchor) {Summary(anchor)}"));
    }

    private static string Summary(List<double> latencies)
    {
        latencies.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"p50 {Percentile(latencies, 0.50):F2} ms, p95 {Percentile(latencies, 0.95):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms");
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static List<string> QueryMix(CodeIndex index, int count)
    {
        var random = new Random(42);
        var chunks = index.Paths().SelectMany(index.ChunksOf).ToList();
        var words = chunks.SelectMany(c => CodeTokenizer.Words(c.Text).Take(40)).Where(w => w.Length > 3).Distinct().ToList();
        var symbols = chunks.Select(c => c.Symbol).Where(s => s.Length > 0).Distinct().ToList();
        if (words.Count == 0) words.Add("main");
        var mix = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            mix.Add((i % 3) switch
            {
                0 when symbols.Count > 0 => symbols[random.Next(symbols.Count)].Split('.')[^1],
                1 => string.Join(' ', Enumerable.Range(0, 4).Select(_ => words[random.Next(words.Count)])),
                _ => "Fix " + string.Join(' ', Enumerable.Range(0, 24).Select(_ => words[random.Next(words.Count)])),
            });
        }
        return mix;
    }
}
