using System.CommandLine;
using RagService.Evaluation;

namespace RagService.Cli;

/// <summary>
/// <c>mine --mirrors DIR --repo owner/name:language ... [--count 50] [--scan 3000] --out FILE</c>: picks benchmark commits
/// from repository snapshots (<see cref="CommitCases"/>) and writes their ids (never their text) to FILE.
/// </summary>
public static class MineCommand
{
    public static Command Create()
    {
        var mirrors = EvalCommand.MirrorsOption();
        var repos = new Option<string[]>("--repo") { Description = "owner/name:language, repeatable.", Required = true, AllowMultipleArgumentsPerToken = true };
        var count = new Option<int>("--count") { Description = "Cases per repository.", DefaultValueFactory = _ => 50 };
        var scan = new Option<int>("--scan") { Description = "Newest non-merge commits considered per repository.", DefaultValueFactory = _ => 3000 };
        var output = new Option<FileInfo>("--out") { Description = "The case list to write.", Required = true };
        var command = new Command("mine", "Pick benchmark commits from repository snapshots and write their ids.") { mirrors, repos, count, scan, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var countValue = parse.GetValue(count);
            var scanValue = parse.GetValue(scan);
            if (countValue is < 2 or > 1000) return CliOptions.Fail("--count must be between 2 and 1000.");
            if (scanValue is < 10 or > 1_000_000) return CliOptions.Fail("--scan must be between 10 and 1000000.");
            var picked = new List<EvalCase>();
            foreach (var spec in parse.GetValue(repos)!)
            {
                var colon = spec.LastIndexOf(':');
                if (colon <= 0 || colon == spec.Length - 1 || !spec[..colon].Contains('/')) return CliOptions.Fail($"--repo '{spec}': expected owner/name:language.");
                var (repository, language) = (spec[..colon], spec[(colon + 1)..]);
                var gitDir = EvalCommand.GitDirOf(parse.GetValue(mirrors)!, repository);
                if (gitDir is null) return CliOptions.Fail($"No snapshot of {repository} under '{parse.GetValue(mirrors)!.FullName}' (fetch github:{repository} first).");
                var mined = await CommitCases.MineAsync(gitDir, repository, language, countValue, scanValue, cancellationToken).ConfigureAwait(false);
                Console.Error.WriteLine($"{repository}: {mined.Count} cases");
                picked.AddRange(mined.Select(m => m.Case));
            }
            EvalCaseList.Write(parse.GetValue(output)!.FullName, picked,
                $"Commit-history benchmark cases (ids only; 'eval' regenerates queries and gold files from the snapshots).\n" +
                $"Written by: mine --count {countValue} --scan {scanValue} " + string.Join(' ', parse.GetValue(repos)!.Select(r => "--repo " + r)));
            return 0;
        });
        return command;
    }
}
