namespace RequestPlanner.Planning.Reservations;

/// <summary>
/// The <c>kind</c> label Srm records with a lease (one of Srm's symbol kinds). A plan names symbols without
/// their kinds, so this is a guess and only a label: leases are keyed by (repo, branch, name). A bare
/// PascalCase name reads as a type ("OrderService"), a path as a file, anything else as a function
/// ("greet", "App.Greet", "parse_args"). Names the description calls with "name(" are functions.
/// </summary>
public static class SymbolKindGuess
{
    public const string Function = "function";
    public const string Type = "type";
    public const string File = "file";

    public static string For(string symbol)
    {
        if (symbol.Contains('/')) return File;
        var qualified = symbol.IndexOfAny(['.', ':']) >= 0;
        return !qualified && char.IsAsciiLetterUpper(symbol[0]) && symbol.Any(char.IsAsciiLetterLower) ? Type : Function;
    }
}
