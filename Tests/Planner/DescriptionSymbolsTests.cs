using Contracts.Core;
using RequestPlanner.Planning.Reservations;

namespace Tests.Planner;

public sealed class DescriptionSymbolsTests
{
    [Theory]
    [InlineData("add greet() and call it from main", new[] { "greet" })]
    [InlineData("add greet() to the app and call it from main()", new[] { "greet", "main" })]
    [InlineData("rename App.load(path) to App.read(path); keep load( working", new[] { "App.load", "App.read", "load" })]
    [InlineData("if(x) then for(y) while(z) call run_all()", new[] { "run_all" })]
    [InlineData("make it faster (please)", new string[0])]
    [InlineData("call greet() twice: greet() greet()", new[] { "greet" })]
    public void Captures_names_the_description_calls(string description, string[] expected)
    {
        Assert.Equal(expected, DescriptionSymbols.Capture(description));
    }

    [Fact]
    public void Plan_symbols_and_description_calls_are_reserved_once_each_sorted()
    {
        var steps = new List<Step>
        {
            new() { Order = 1, Kind = Step.Types.Kind.Add, Path = "src/app.py", Symbols = { "greet" } },
            new() { Order = 2, Kind = Step.Types.Kind.Edit, Path = "src/app.py", Symbols = { "main", "greet" } },
        };

        var symbols = SymbolCollector.Collect("demo", "main", steps, "add greet() and call it from main; also log_call()");

        Assert.Equal(["greet", "log_call", "main"], symbols.Select(s => s.FqName));
        Assert.Equal(("ADD", "src/app.py"), (symbols[0].Kind, symbols[0].FilePath));
        Assert.Equal((SymbolCollector.DescriptionKind, ""), (symbols[1].Kind, symbols[1].FilePath));
        Assert.All(symbols, s => Assert.Equal(("demo", "main"), (s.Repo, s.Branch)));
    }
}
