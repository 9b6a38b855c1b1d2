using System.Text.RegularExpressions;
using Contracts.Core;

namespace RequestPlanner.Planning.Retrieval;

/// <summary>
/// What the description asks to do with a named function, read from the nearest verb before the name
/// in the same clause ("add greet()" → ADD, "remove legacyInit()" → REMOVE, "rename load()" → REFACTOR,
/// "call greet()" or "fix parse()" → EDIT). Null when no verb is near: the caller decides.
/// </summary>
public static partial class ChangeIntent
{
    private static readonly Dictionary<string, StepKind> Verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["add"] = StepKind.Add, ["create"] = StepKind.Add, ["implement"] = StepKind.Add,
        ["introduce"] = StepKind.Add, ["write"] = StepKind.Add, ["define"] = StepKind.Add,
        ["new"] = StepKind.Add,
        ["remove"] = StepKind.Remove, ["delete"] = StepKind.Remove, ["drop"] = StepKind.Remove,
        ["rename"] = StepKind.Refactor, ["refactor"] = StepKind.Refactor, ["extract"] = StepKind.Refactor,
        ["move"] = StepKind.Refactor, ["split"] = StepKind.Refactor, ["restructure"] = StepKind.Refactor,
        ["change"] = StepKind.Edit, ["update"] = StepKind.Edit, ["modify"] = StepKind.Edit,
        ["fix"] = StepKind.Edit, ["edit"] = StepKind.Edit, ["call"] = StepKind.Edit,
        ["use"] = StepKind.Edit, ["make"] = StepKind.Edit, ["improve"] = StepKind.Edit,
    };

    [GeneratedRegex(@"[A-Za-z]+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    public static StepKind? For(string description, int nameIndex)
    {
        if (nameIndex <= 0) return null;
        // The clause before the name: back to the previous sentence or clause boundary.
        var start = description.LastIndexOfAny(['.', ';', '\n', ','], nameIndex - 1) + 1;
        var clause = description[start..nameIndex];
        StepKind? kind = null;
        foreach (Match word in Word().Matches(clause))
            if (Verbs.TryGetValue(word.Value, out var verbKind)) kind = verbKind;
        return kind;
    }
}
