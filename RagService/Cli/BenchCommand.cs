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
        var index = new CodeIndex();
        var indexer = new RepositoryIndexer(embedder, IndexingOptions.Default);
        var cold = await CliProgress.RunAsync(p => indexer.IndexAsync(root, index, progress: p, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var warm = await indexer.IndexAsync(root, index, cancellationToken: cancellationToken).ConfigureAwait(false);

        output.WriteLine(string.Create(ci, $"Machine:   {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}"));
        output.WriteLine(string.Create(ci, $"Embedder:  {embedder.ModelId}"));
        output.WriteLine(string.Create(ci, $"Index:     {cold.Files} files, {cold.Chunks} chunks, {cold.BytesRead / 1024.0 / 1024.0:F1} MiB of text"));
        output.WriteLine(string.Create(ci, $"Indexing:  {cold.Duration.TotalSeconds:F2} s cold = {cold.Files / cold.Duration.TotalSeconds:F0} files/s, {cold.Chunks / cold.Duration.TotalSeconds:F0} chunks/s, {cold.BytesRead / 1024.0 / 1024.0 / cold.Duration.TotalSeconds:F2} MiB/s"));
        output.WriteLine(string.Create(ci, $"Re-index:  {warm.Duration.TotalMilliseconds:F0} ms with nothing changed ({warm.FilesChanged} files re-chunked)"));

        var mix = QueryMix(index, queryCount);
        var searcher = new HybridSearcher(embedder);
        foreach (var warmup in mix.Take(10)) await searcher.SearchAsync(index, new SearchRequest(warmup, k, alpha), cancellationToken).ConfigureAwait(false);
        var latencies = new List<double>(mix.Count);
        var total = Stopwatch.StartNew();
        foreach (var query in mix)
        {
            var one = Stopwatch.StartNew();
            await searcher.SearchAsync(index, new SearchRequest(query, k, alpha), cancellationToken).ConfigureAwait(false);
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }
        total.Stop();
        latencies.Sort();
        output.WriteLine(string.Create(ci, $"Queries:   {mix.Count} (symbol names, short phrases, long descriptions), k={k}, alpha={alpha}"));
        output.WriteLine(string.Create(ci, $"Latency:   p50 {Percentile(latencies, 0.50):F2} ms, p95 {Percentile(latencies, 0.95):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms"));
        output.WriteLine(string.Create(ci, $"Throughput: {mix.Count / total.Elapsed.TotalSeconds:F0} queries/s (one thread)"));
    }

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
