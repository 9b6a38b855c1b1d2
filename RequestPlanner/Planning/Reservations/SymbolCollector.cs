using Contracts.Core;
using Contracts.Srm;

namespace RequestPlanner.Planning.Reservations;

/// <summary>
/// The symbols a plan must hold: every symbol its steps name (with the step's file) plus every name the
/// description calls as a function (<see cref="DescriptionSymbols"/>) that no step names already. A name only
/// the description gives is filed under the plan's first ADD step (or its first step): Srm wants a file, and
/// the lease is keyed by the name anyway. Sorted by name so that concurrent batches touch rows in one order.
/// </summary>
public static class SymbolCollector
{
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
                    Repo = repo, Branch = branch, FqName = symbol, Kind = SymbolKindGuess.For(symbol), FilePath = step.Path,
                };
            }
        }

        var home = steps.FirstOrDefault(s => s.KnownKind == StepKind.Add) ?? steps.FirstOrDefault();
        if (home is not null)
        {
            foreach (var name in DescriptionSymbols.Capture(description))
            {
                if (byName.ContainsKey(name)) continue;
                byName[name] = new SymbolRef
                {
                    Repo = repo, Branch = branch, FqName = name, Kind = SymbolKindGuess.Function, FilePath = home.Path,
                };
            }
        }
        return [.. byName.Values.OrderBy(s => s.FqName, StringComparer.Ordinal)];
    }
}
