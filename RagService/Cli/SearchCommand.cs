using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RagService.Search;

namespace RagService.Cli;

/// <summary>
/// <c>search --root DIR --query TEXT [--k 10] [--alpha 0.3] [--path-prefix P] [--json]</c>, or batch mode with
/// <c>--queries FILE.jsonl</c>: one <c>{"id","query"}</c> per input line, one <see cref="BatchResult"/> per output line.
/// The index is built once per invocation.
/// </summary>
public static class SearchCommand
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static Command Create()
    {
        var root = CliOptions.Root();
        var query = new Option<string?>("--query", "-q") { Description = $"What to look for (a change description works best); at most {SearchLimits.MaxQueryChars} characters." };
        var queries = new Option<FileInfo?>("--queries") { Description = "Batch mode: a JSON-lines file of {\"id\": ..., \"query\": ...}; prints one JSON line per query." };
        var k = new Option<int>("--k") { Description = $"Results per query ({SearchLimits.MinK}..{SearchLimits.MaxK}).", DefaultValueFactory = _ => 10 };
        var alpha = new Option<float>("--alpha") { Description = "0 = lexical (BM25) only, 1 = dense only.", DefaultValueFactory = _ => SearchLimits.DefaultAlpha };
        var prefix = new Option<string?>("--path-prefix") { Description = "Only files under this repository-relative folder." };
        var json = new Option<bool>("--json") { Description = "JSON output." };
        var command = new Command("search", "Index a working tree in memory and search it.") { root, query, queries, k, alpha, prefix, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SearchOptions(parse.GetValue(root)!, parse.GetValue(query), parse.GetValue(queries), parse.GetValue(k), parse.GetValue(alpha), parse.GetValue(prefix), parse.GetValue(json));
            return await RunAsync(options, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public sealed record SearchOptions(DirectoryInfo Root, string? Query, FileInfo? Queries, int K, float Alpha, string? PathPrefix, bool Json);

    public static async Task<int> RunAsync(SearchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if ((options.Query is null) == (options.Queries is null))
            return CliOptions.Fail("Give either --query TEXT or --queries FILE.jsonl (exactly one).");
        if (options.Queries is { Exists: false })
            return CliOptions.Fail($"Queries file '{options.Queries.FullName}' does not exist.");
        try
        {
            // Check k and alpha (and a single query) before spending time on indexing.
            SearchLimits.Validate(new SearchRequest(options.Query ?? "placeholder", options.K, options.Alpha, options.PathPrefix));
        }
        catch (InvalidSearchRequestException e)
        {
            return CliOptions.Fail(e.Message);
        }
        if (!options.Root.Exists) return CliOptions.Fail($"Repository folder '{options.Root.FullName}' does not exist.");

        var engine = await CliEngine.BuildAsync(options.Root.FullName, cancellationToken).ConfigureAwait(false);
        if (options.Queries is not null) return await RunBatchAsync(engine, options, output, cancellationToken).ConfigureAwait(false);

        var response = await engine.Searcher.SearchAsync(engine.Index, new SearchRequest(options.Query!, options.K, options.Alpha, options.PathPrefix), cancellationToken).ConfigureAwait(false);
        if (options.Json) await output.WriteLineAsync(JsonSerializer.Serialize(ToJson(options.Query!, response), new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        else await WriteTextAsync(output, response).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> RunBatchAsync(CliEngine engine, SearchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        var failures = 0;
        await foreach (var line in File.ReadLinesAsync(options.Queries!.FullName, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            BatchQuery? input;
            try
            {
                input = JsonSerializer.Deserialize<BatchQuery>(line);
            }
            catch (JsonException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"line {lineNumber}: not valid JSON ({e.Message}); expected {{\"id\": \"...\", \"query\": \"...\"}}. Skipped.").ConfigureAwait(false);
                continue;
            }
            if (input is null || input.Id.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                failures++;
                await Console.Error.WriteLineAsync($"line {lineNumber}: missing \"id\"; expected {{\"id\": \"...\", \"query\": \"...\"}}. Skipped.").ConfigureAwait(false);
                continue;
            }
            BatchResult result;
            try
            {
                var response = await engine.Searcher.SearchAsync(engine.Index, new SearchRequest(input.Query ?? string.Empty, options.K, options.Alpha, options.PathPrefix), cancellationToken).ConfigureAwait(false);
                result = new BatchResult(input.Id, response.Files.Select(f => f.Path).ToList(),
                    response.Hits.Select(h => new BatchHit(h.Path, h.StartLine, h.EndLine, h.Symbol, Math.Round(h.Score, 6))).ToList());
            }
            catch (InvalidSearchRequestException e)
            {
                // The id still gets its line (empty), so consumers can align outputs with inputs.
                failures++;
                await Console.Error.WriteLineAsync($"line {lineNumber} (id {input.Id.GetRawText()}): {e.Message}").ConfigureAwait(false);
                result = new BatchResult(input.Id, [], []);
            }
            await output.WriteLineAsync(JsonSerializer.Serialize(result, Compact)).ConfigureAwait(false);
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return failures == 0 ? 0 : CliOptions.PartialFailureExitCode;
    }

    private static object ToJson(string query, SearchResponse response) => new
    {
        query,
        files = response.Files.Select(f => new { path = f.Path, score = Math.Round(f.Score, 6) }),
        hits = response.Hits.Select(h => new
        {
            path = h.Path, start_line = h.StartLine, end_line = h.EndLine, symbol = h.Symbol, language = h.Language,
            score = Math.Round(h.Score, 6), dense = Math.Round(h.Dense, 6), lexical = Math.Round(h.Lexical, 6), text = h.Text,
        }),
    };

    private static async Task WriteTextAsync(TextWriter output, SearchResponse response)
    {
        await output.WriteLineAsync("Files:").ConfigureAwait(false);
        foreach (var file in response.Files) await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {file.Score,7:F3}  {file.Path}")).ConfigureAwait(false);
        await output.WriteLineAsync("Chunks:").ConfigureAwait(false);
        foreach (var hit in response.Hits)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {hit.Score,7:F3}  {hit.Path}:{hit.StartLine}-{hit.EndLine}  {hit.Symbol}  (dense {hit.Dense:F3}, bm25 {hit.Lexical:F2})")).ConfigureAwait(false);
        }
    }
}
