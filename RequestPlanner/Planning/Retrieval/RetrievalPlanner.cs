using System.Globalization;
using System.Text.RegularExpressions;
using Contracts.Core;
using Contracts.Rag;
using RequestPlanner.Planning.Reservations;
using RequestPlanner.Planning.Validation;

namespace RequestPlanner.Planning.Retrieval;

/// <summary>
/// The planner used when no LLM is configured, so the pipeline runs end to end offline. It is deliberately
/// simple and says so in the plan (planner "retrieval (no LLM configured)" and the rationale):
/// <list type="bullet">
/// <item>each function the description calls (<c>name(</c>) and asks to add, and that no retrieved snippet
/// defines, becomes an ADD step in the best-matching file; one that exists becomes a step of the kind the
/// nearest verb asks for (EDIT, REMOVE, REFACTOR) in the file that defines it;</item>
/// <item>the best-ranked files (up to <see cref="PlannerOptions.RetrievalMaxFiles"/>, scoring at least half the
/// best score) get EDIT steps for the symbols of theirs the description mentions, or their best symbol.</item>
/// </list>
/// The draft goes through the same <see cref="PlanValidator"/> as an LLM's.
/// </summary>
public sealed partial class RetrievalPlanner(PlanValidator validator, PlannerOptions options) : IPlanner
{
    public const string Name = "retrieval (no LLM configured)";
    private const double RelativeScoreFloor = 0.5;

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    public async Task<PlannerResult> PlanAsync(PlanningInput input, CancellationToken cancellationToken)
    {
        var request = input.Request;
        var hits = input.Context.Hits.Where(h => h.Path.Length > 0).OrderByDescending(h => h.Score).ToList();
        if (hits.Count == 0)
        {
            return PlannerResult.Failed(Name,
            [
                $"RagService found no code for this request in {request.Repo}@{input.Branch}, and no LLM is configured. " +
                "Index the repository (rag.v1.Rag/IndexRepository), or configure an LLM (OpenAI:Endpoint and/or OpenAI:ApiKey).",
            ]);
        }

        var description = request.Description;
        var mentioned = Identifier().Matches(description).Select(m => m.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var bestFile = hits[0].Path;
        var rationale = new List<string>
        {
            "Planned from retrieval only: no LLM is configured (set OpenAI:Endpoint and/or OpenAI:ApiKey to plan with a model). " +
            "Steps follow from the hybrid search results and the functions the request names; review them before relying on them.",
        };

        var steps = new List<(StepKind Kind, string Goal, string Path, string[] Symbols)>();
        var covered = new HashSet<(string Path, string Symbol)>();

        foreach (var name in DescriptionSymbols.Capture(description))
        {
            var intent = ChangeIntent.For(description, DescriptionSymbols.FirstCallIndex(description, name));
            var definition = hits.FirstOrDefault(h => SameSymbol(h.Symbol, name));
            if (definition is null)
            {
                if (intent is null or StepKind.Add)
                {
                    steps.Add((StepKind.Add, $"add {name}()", bestFile, [name]));
                    covered.Add((bestFile, name));
                    rationale.Add($"{name}() is not defined in the retrieved code, so it is added to {bestFile}, the file that best matches the request.");
                }
                else
                {
                    rationale.Add($"{name}() was not found in the retrieved code, so no step could be placed for it.");
                }
                continue;
            }

            var kind = intent is null or StepKind.Add ? StepKind.Edit : intent.Value;
            var verb = kind switch
            {
                StepKind.Remove => "remove",
                StepKind.Refactor => "refactor",
                _ => "update",
            };
            steps.Add((kind, $"{verb} {definition.Symbol} in {definition.Path} as requested", definition.Path, [definition.Symbol]));
            covered.Add((definition.Path, definition.Symbol));
            rationale.Add($"{name}() is defined in {definition.Path} (lines {definition.StartLine}-{definition.EndLine}).");
        }

        var summary = Summarize(description);
        var topScore = hits[0].Score;
        var files = hits
            .GroupBy(h => h.Path, StringComparer.Ordinal)
            .Select(g => (Path: g.Key, Score: g.Max(h => h.Score), Hits: g.OrderByDescending(h => h.Score).ToList()))
            .Where(f => topScore <= 0 || f.Score >= topScore * RelativeScoreFloor)
            .OrderByDescending(f => f.Score)
            .Take(options.RetrievalMaxFiles)
            .ToList();
        var rank = 0;
        foreach (var file in files)
        {
            rank++;
            var symbols = file.Hits
                .Select(h => h.Symbol)
                .Where(s => s.Length > 0 && mentioned.Contains(ShortName(s)) && !covered.Contains((file.Path, s)))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            var fileAlreadyPlanned = covered.Any(c => c.Path == file.Path);
            if (symbols.Length == 0)
            {
                if (fileAlreadyPlanned) continue;
                var best = file.Hits.FirstOrDefault(h => h.Symbol.Length > 0)?.Symbol;
                symbols = best is null ? [] : [best];
            }
            var what = symbols.Length == 0 ? file.Path : $"{string.Join(", ", symbols)} in {file.Path}";
            steps.Add((StepKind.Edit, $"update {what} for: {summary}", file.Path, symbols));
            foreach (var symbol in symbols) covered.Add((file.Path, symbol));
            rationale.Add(string.Create(CultureInfo.InvariantCulture,
                $"{file.Path} ranks {rank} in the hybrid search (score {file.Score:0.###}){(symbols.Length > 0 ? $" and holds {string.Join(", ", symbols)}" : "")}."));
        }

        // New code first, so that the edits that use it come after it.
        var ordered = steps.OrderBy(s => KindOrder(s.Kind)).ToList();
        var draft = new PlanDraft(
            [.. ordered.Select(s => new DraftStep(s.Goal, s.Kind.ToString().ToUpperInvariant(), s.Path, s.Symbols))],
            rationale, []);
        var validation = await validator.ValidateAsync(request.Repo, input.Branch, draft, cancellationToken);
        return validation.IsValid
            ? new PlannerResult(Name, validation.Steps, validation.Rationale, [])
            : PlannerResult.Failed(Name, validation.Errors, validation.Rationale);
    }

    private static int KindOrder(StepKind kind) => kind switch
    {
        StepKind.Add => 0,
        StepKind.Edit => 1,
        StepKind.Refactor => 2,
        _ => 3,
    };

    /// <summary>"App.Program.greet" and "App::greet" answer to "greet".</summary>
    public static string ShortName(string symbol)
    {
        var cut = Math.Max(symbol.LastIndexOf('.'), symbol.LastIndexOf(':'));
        var name = cut >= 0 ? symbol[(cut + 1)..] : symbol;
        var paren = name.IndexOf('(');
        return paren >= 0 ? name[..paren] : name;
    }

    private static bool SameSymbol(string indexed, string named) =>
        indexed.Length > 0 && string.Equals(ShortName(indexed), ShortName(named), StringComparison.OrdinalIgnoreCase);

    private static string Summarize(string description)
    {
        var line = description.Trim().Split('\n', 2)[0].Trim();
        return line.Length <= 120 ? line : line[..117] + "...";
    }
}
