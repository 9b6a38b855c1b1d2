using Contracts.Core;
using Contracts.Rag;

namespace RequestPlanner.Planning;

/// <summary>
/// Why a step was chosen, for the person reviewing the plan: the retrieved chunks of the step's file, best first, with
/// their hybrid score and first lines (the plan carries them to the Orchestrator's review page and to code agents).
/// </summary>
public static class StepEvidence
{
    public const int PerStep = 2;
    public const int MaxSnippetLines = 8;
    public const int MaxSnippetChars = 600;

    public static void Attach(IEnumerable<Step> steps, HybridSearchReply context)
    {
        foreach (var step in steps)
        {
            step.Evidence.Clear();
            step.Evidence.AddRange(context.Hits.Where(h => h.Path == step.Path).OrderByDescending(h => h.Score).Take(PerStep).Select(h => new Evidence
            {
                Path = h.Path, StartLine = h.StartLine, EndLine = h.EndLine, Symbol = h.Symbol, Score = h.Score, Snippet = Snippet(h.Text),
            }));
        }
    }

    private static string Snippet(string text)
    {
        var lines = string.Join('\n', text.Split('\n').Take(MaxSnippetLines));
        return lines.Length <= MaxSnippetChars ? lines : lines[..MaxSnippetChars] + "…";
    }
}
