using System.Diagnostics;
using System.Text.Json;
using RagService.Cli;

namespace Tests.Rag;

public sealed class CliTests
{
    [Fact]
    public async Task Batch_mode_prints_one_result_line_per_query_in_the_exact_format()
    {
        using var repo = new SampleRepository();
        var queries = Path.Combine(repo.Root, "..", $"queries-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(queries,
        [
            """{"id": "q1", "query": "compute invoice total with tax"}""",
            "",
            """{"id": "q2", "query": "save orders to disk"}""",
            """{"id": "q3", "query": ""}""",
        ]);
        var output = new StringWriter();
        try
        {
            var exit = await SearchCommand.RunAsync(new SearchCommand.SearchOptions(new DirectoryInfo(repo.Root), null, new FileInfo(queries), 3, 0.3f, null, true), output, CancellationToken.None);

            Assert.Equal(CliOptions.PartialFailureExitCode, exit); // q3 is empty: reported, still answered
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            var results = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(["q1", "q2", "q3"], results.Select(r => r.GetProperty("id").GetString()));
            foreach (var result in results)
            {
                Assert.Equal(["id", "files", "hits"], result.EnumerateObject().Select(p => p.Name));
                var files = result.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ToList();
                Assert.Equal(files.Distinct().Count(), files.Count);
                foreach (var hit in result.GetProperty("hits").EnumerateArray())
                {
                    Assert.Equal(["path", "start_line", "end_line", "symbol", "score"], hit.EnumerateObject().Select(p => p.Name));
                    Assert.True(hit.GetProperty("start_line").GetInt32() <= hit.GetProperty("end_line").GetInt32());
                }
            }
            Assert.Equal(SampleRepository.CSharpPath, results[0].GetProperty("files")[0].GetString());
            Assert.Equal(SampleRepository.PythonPath, results[1].GetProperty("files")[0].GetString());
            Assert.Equal(3, results[0].GetProperty("hits").GetArrayLength());
            Assert.Equal(0, results[2].GetProperty("hits").GetArrayLength());
        }
        finally
        {
            File.Delete(queries);
        }
    }

    [Fact]
    public async Task The_process_keeps_stdout_for_json_and_rejects_bad_alpha_with_exit_code_2()
    {
        using var repo = new SampleRepository();
        var dll = Path.Combine(AppContext.BaseDirectory, "RagService.dll");

        var (exit, stdout, _) = await RunAsync(dll, "search", "--root", repo.Root, "--query", "apply discount percent", "--k", "2", "--json");
        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(SampleRepository.TypeScriptPath, json.GetProperty("hits")[0].GetProperty("path").GetString());
        Assert.Equal("applyDiscount", json.GetProperty("hits")[0].GetProperty("symbol").GetString());

        var (badExit, badStdout, badStderr) = await RunAsync(dll, "search", "--root", repo.Root, "--query", "x", "--alpha", "1.5");
        Assert.Equal(CliOptions.BadInputExitCode, badExit);
        Assert.Equal(string.Empty, badStdout);
        Assert.Contains("alpha", badStderr);

        var (kExit, _, kStderr) = await RunAsync(dll, "search", "--root", repo.Root, "--query", "x", "--k", "0");
        Assert.Equal(CliOptions.BadInputExitCode, kExit);
        Assert.Contains("1 to 100", kStderr);
    }

    [Fact]
    public async Task Help_unknown_commands_a_file_as_root_and_an_empty_tree_exit_non_zero_with_a_reason()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RagService.dll");
        foreach (var help in new[] { "--help", "help" })
        {
            var (helpExit, helpOut, _) = await RunAsync(dll, help);
            Assert.Equal(CliOptions.BadInputExitCode, helpExit); // usage, and no server started
            Assert.Contains("index", helpOut);
            Assert.Contains("search", helpOut);
        }
        var (unknownExit, unknownOut, unknownErr) = await RunAsync(dll, "indx", "--root", ".");
        Assert.Equal(CliOptions.BadInputExitCode, unknownExit);
        Assert.Contains("unknown command 'indx'", unknownErr);
        Assert.Contains("search", unknownOut);

        using var repo = new SampleRepository(initGit: false);
        var file = Path.Combine(repo.Root, SampleRepository.PythonPath);
        var (fileExit, _, fileErr) = await RunAsync(dll, "index", "--root", file);
        Assert.NotEqual(0, fileExit);
        Assert.Contains("is a file", fileErr);

        var empty = Directory.CreateTempSubdirectory("rag-empty-");
        try
        {
            File.WriteAllBytes(Path.Combine(empty.FullName, "blob.txt"), [1, 0, 2]);
            var (emptyExit, emptyOut, emptyErr) = await RunAsync(dll, "index", "--root", empty.FullName);
            Assert.Equal(CliOptions.NothingIndexedExitCode, emptyExit);
            Assert.Contains("no file was indexed", emptyErr);
            Assert.Contains("1 skipped (1 binary, 0 too large, 0 ignored, 0 symlinked outside the repository", emptyOut);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
