using Contracts.Core;
using Contracts.Srm;

namespace RequestPlanner.Planning.Reservations;

/// <summary>
/// The symbols a plan must hold: every symbol its steps name (with the step's file and kind) plus every name
/// the description calls as a function (<see cref="DescriptionSymbols"/>) that no step names already.
/// Sorted by name so that concurrent batches touch rows in the same order.
/// </summary>
public static class SymbolCollector
{
    /// <summary>Srm's <c>kind</c> for a symbol only the description names: we know it is called, not where it lives.</summary>
    public const string DescriptionKind = "function";

    public static IReadOnlyList<SymbolRef> Collect(string repo, string branch, IReadOnlyList<Step> steps, string description)
    {
        var byName = new Dictionary<string, SymbolRef>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            foreach (var symbol in step.Symbols)
            {
                if (byName.ContainsKey(symbol)) continue;
                byName[symbol] = new SymbolRef
                {
                    Repo = repo, Branch = branch, FqName = symbol,
                    Kind = step.Kind.ToString().ToUpperInvariant(), FilePath = step.Path,
                };
            }
        }
        foreach (var name in DescriptionSymbols.Capture(description))
        {
            if (byName.ContainsKey(name)) continue;
            byName[name] = new SymbolRef { Repo = repo, Branch = branch, FqName = name, Kind = DescriptionKind, FilePath = "" };
        }
        return [.. byName.Values.OrderBy(s => s.FqName, StringComparer.Ordinal)];
    }
}
