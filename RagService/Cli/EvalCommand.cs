using System.CommandLine;
using System.Globalization;
using RagService.Evaluation;
using RagService.Search;

namespace RagService.Cli;

/// <summary>
/// <c>eval --cases FILE --mirrors DIR [--split heldout|tune|all] [--alpha 0.3] [--variant NAME:Key=Value,...]</c>: the
/// commit-history benchmark (<see cref="EvalRunner"/>); prints R@1, R@5, R@10 and MRR per language and ranking variant.
/// Without --variant: <c>before</c> (chunk content only), <c>no-history</c> (file signals without the history) and
/// <c>after</c> (the default ranking).
/// </summary>
public static class EvalCommand
{
    public static Option<DirectoryInfo> MirrorsOption() => new("--mirrors")
    {
        Description = "Folder of repository snapshots: <owner>+<name>/repo, <owner>+<name> or <owner>/<name>, each a git repository with full history.",
        Required = true,
    };

    public static Command Create()
    {
        var cases = new Option<FileInfo>("--cases") { Description = "The case list (written by 'mine').", Required = true };
        var mirrors = MirrorsOption();
        var split = new Option<string>("--split") { Description = "heldout, tune or all.", DefaultValueFactory = _ => EvalCase.HeldOut };
        var alpha = new Option<float>("--alpha") { Description = "Fusion weight of the dense score.", DefaultValueFactory = _ => SearchLimits.DefaultAlpha };
        var variants = new Option<string[]>("--variant") { Description = "NAME:Key=Value,... over the default RankingOptions (e.g. h1:History=1,Path=0.3); repeatable.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("eval", "Measure file retrieval on commits mined from real histories.") { cases, mirrors, split, alpha, variants };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(cases)!;
            var splitValue = parse.GetValue(split)!;
            if (!file.Exists) return CliOptions.Fail($"Case list '{file.FullName}' does not exist.");
            if (splitValue is not (EvalCase.HeldOut or EvalCase.Tune or "all")) return CliOptions.Fail("--split must be heldout, tune or all.");
            List<EvalCase> list;
            try
            {
                list = EvalCaseList.Read(file.FullName);
            }
            catch (FormatException e)
            {
                return CliOptions.Fail(e.Message);
            }
            var chosen = list.Where(c => splitValue == "all" || c.Split == splitValue).ToList();
            var root = parse.GetValue(mirrors)!;
            foreach (var repository in chosen.Select(c => c.Repository).Distinct())
            {
                if (GitDirOf(root, repository) is null) return CliOptions.Fail($"No snapshot of {repository} under '{root.FullName}' (fetch github:{repository} first).");
            }
            List<EvalRunner.Variant> runs;
            try
            {
                runs = Variants(parse.GetValue(variants) ?? []);
            }
            catch (FormatException e)
            {
                return CliOptions.Fail(e.Message);
            }
            var runner = new EvalRunner(EmbedderFactory.Create(CliEngine.Configuration()), Console.Error);
            var outcomes = await runner.RunAsync(chosen, r => GitDirOf(root, r)!, runs, parse.GetValue(alpha), cancellationToken).ConfigureAwait(false);
            Print(outcomes, splitValue, Console.Out);
            return 0;
        });
        return command;
    }

    public static string? GitDirOf(DirectoryInfo mirrors, string repository)
    {
        var flat = repository.Replace('/', '+');
        return new[] { Path.Combine(mirrors.FullName, flat, "repo"), Path.Combine(mirrors.FullName, flat), Path.Combine(mirrors.FullName, repository) }
            .FirstOrDefault(Directory.Exists);
    }

    private static List<EvalRunner.Variant> Variants(string[] specs)
    {
        var before = new EvalRunner.Variant("before", RankingOptions.ContentOnly);
        if (specs.Length == 0)
            return [before, new("no-history", RankingOptions.Default with { History = 0, Recency = 0 }), new("after", RankingOptions.Default)];
        var result = new List<EvalRunner.Variant> { before };
        foreach (var spec in specs)
        {
            var colon = spec.IndexOf(':');
            var name = colon < 0 ? spec : spec[..colon];
            var options = RankingOptions.Default;
            foreach (var setting in colon < 0 ? [] : spec[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = setting.IndexOf('=');
                if (eq <= 0 || !double.TryParse(setting[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw new FormatException($"--variant '{spec}': expected Key=number, got '{setting}'.");
                options = setting[..eq] switch
                {
                    nameof(RankingOptions.History) => options with { History = value },
                    nameof(RankingOptions.Path) => options with { Path = value },
                    nameof(RankingOptions.Recency) => options with { Recency = value },
                    nameof(RankingOptions.RecencyScaleCommits) => options with { RecencyScaleCommits = value },
                    nameof(RankingOptions.Identifier) => options with { Identifier = value },
                    nameof(RankingOptions.MaxIdentifierFiles) => options with { MaxIdentifierFiles = (int)value },
                    nameof(RankingOptions.TestFileFactor) => options with { TestFileFactor = value },
                    nameof(RankingOptions.FieldCandidates) => options with { FieldCandidates = (int)value },
                    var other => throw new FormatException($"--variant '{spec}': unknown setting '{other}'; use a RankingOptions property name."),
                };
            }
            result.Add(new EvalRunner.Variant(name, options));
        }
        return result;
    }

    private static void Print(List<EvalRunner.Outcome> outcomes, string split, TextWriter output)
    {
        var ci = CultureInfo.InvariantCulture;
        output.WriteLine($"Split: {split}");
        output.WriteLine(string.Create(ci, $"{"language",-10} {"cases",5}  {"variant",-14} {"R@1",6} {"R@5",6} {"R@10",6} {"MRR",6}"));
        foreach (var o in outcomes)
        {
            var m = o.Metrics;
            output.WriteLine(string.Create(ci, $"{o.Language,-10} {m.Cases,5}  {o.Variant,-14} {m.RecallAt1,6:F3} {m.RecallAt5,6:F3} {m.RecallAt10,6:F3} {m.Mrr,6:F3}"));
        }
    }
}
