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
    private static readonly Dictionary<string, Step.Types.Kind> Verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["add"] = Step.Types.Kind.Add, ["create"] = Step.Types.Kind.Add, ["implement"] = Step.Types.Kind.Add,
        ["introduce"] = Step.Types.Kind.Add, ["write"] = Step.Types.Kind.Add, ["define"] = Step.Types.Kind.Add,
        ["new"] = Step.Types.Kind.Add,
        ["remove"] = Step.Types.Kind.Remove, ["delete"] = Step.Types.Kind.Remove, ["drop"] = Step.Types.Kind.Remove,
        ["rename"] = Step.Types.Kind.Refactor, ["refactor"] = Step.Types.Kind.Refactor, ["extract"] = Step.Types.Kind.Refactor,
        ["move"] = Step.Types.Kind.Refactor, ["split"] = Step.Types.Kind.Refactor, ["restructure"] = Step.Types.Kind.Refactor,
        ["change"] = Step.Types.Kind.Edit, ["update"] = Step.Types.Kind.Edit, ["modify"] = Step.Types.Kind.Edit,
        ["fix"] = Step.Types.Kind.Edit, ["edit"] = Step.Types.Kind.Edit, ["call"] = Step.Types.Kind.Edit,
        ["use"] = Step.Types.Kind.Edit, ["make"] = Step.Types.Kind.Edit, ["improve"] = Step.Types.Kind.Edit,
    };

    [GeneratedRegex(@"[A-Za-z]+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    public static Step.Types.Kind? For(string description, int nameIndex)
    {
        if (nameIndex <= 0) return null;
        // The clause before the name: back to the previous sentence or clause boundary.
        var start = description.LastIndexOfAny(['.', ';', '\n', ','], nameIndex - 1) + 1;
        var clause = description[start..nameIndex];
        Step.Types.Kind? kind = null;
        foreach (Match word in Word().Matches(clause))
            if (Verbs.TryGetValue(word.Value, out var verbKind)) kind = verbKind;
        return kind;
    }
}
