using System.CommandLine;
using System.Globalization;
using RagService.Indexing;

namespace RagService.Cli;

/// <summary><c>index --root DIR</c>: indexes the tree in memory and prints statistics; exit code 4 when nothing was indexed.</summary>
public static class IndexCommand
{
    public static Command Create()
    {
        var root = CliOptions.Root();
        var command = new Command("index", "Index a working tree in memory and print statistics.") { root };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(root)!;
            if (!directory.Exists) return CliOptions.Fail($"Repository folder '{directory.FullName}' does not exist.");
            var engine = await CliEngine.BuildAsync(directory.FullName, cancellationToken).ConfigureAwait(false);
            var report = engine.Report;
            var byLanguage = engine.Index.Paths()
                .SelectMany(engine.Index.ChunksOf)
                .GroupBy(c => c.Language)
                .Select(g => (Language: g.Key, Files: g.Select(c => c.Path).Distinct().Count(), Chunks: g.Count()))
                .OrderByDescending(g => g.Chunks);
            var o = Console.Out;
            var ci = CultureInfo.InvariantCulture;
            o.WriteLine(string.Create(ci, $"Root:       {directory.FullName}"));
            o.WriteLine(string.Create(ci, $"Embedder:   {engine.Embedder.ModelId}"));
            o.WriteLine(string.Create(ci, $"Files:      {report.Files} indexed, {report.FilesSkipped} skipped ({report.Skipped}; too large: over {IndexingOptions.Default.MaxFileBytes / 1024} KiB)"));
            o.WriteLine(string.Create(ci, $"Chunks:     {report.Chunks}"));
            o.WriteLine(string.Create(ci, $"Bytes:      {report.BytesRead:N0}"));
            o.WriteLine(string.Create(ci, $"Time:       {report.Duration.TotalSeconds:F2} s ({report.Files / Math.Max(0.001, report.Duration.TotalSeconds):F0} files/s, {report.Chunks / Math.Max(0.001, report.Duration.TotalSeconds):F0} chunks/s)"));
            o.WriteLine("By language:");
            foreach (var (language, files, chunks) in byLanguage) o.WriteLine(string.Create(ci, $"  {language,-12} {files,6} files {chunks,7} chunks"));
            if (report.Files > 0) return 0;
            await Console.Error.WriteLineAsync($"warning: no file was indexed under {directory.FullName} ({report.FilesSkipped} skipped: {report.Skipped}); is --root the repository's working tree?").ConfigureAwait(false);
            return CliOptions.NothingIndexedExitCode;
        });
        return command;
    }
}
