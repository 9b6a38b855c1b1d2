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
            new() { Order = 1, Kind = "EDIT", Path = "src/app.py", Symbols = { "greet" } },
            new() { Order = 2, Kind = "ADD", Path = "src/new.py", Symbols = { "main", "greet" } },
        };

        var symbols = SymbolCollector.Collect("demo", "main", steps, "add greet() and call it from main; also log_call()");

        Assert.Equal(["greet", "log_call", "main"], symbols.Select(s => s.FqName));
        Assert.Equal(("function", "src/app.py"), (symbols[0].Kind, symbols[0].FilePath));
        Assert.Equal(("function", "src/new.py"), (symbols[1].Kind, symbols[1].FilePath)); // filed under the first ADD step
        Assert.All(symbols, s => Assert.Equal(("demo", "main"), (s.Repo, s.Branch)));
    }

    [Fact]
    public void Without_steps_nothing_is_reserved()
    {
        Assert.Empty(SymbolCollector.Collect("demo", "main", [], "add greet()"));
    }

    [Theory]
    [InlineData("greet", "function")]
    [InlineData("App.Greet", "function")]
    [InlineData("parse_args", "function")]
    [InlineData("OrderService", "type")]
    [InlineData("Orders::Service", "function")]
    [InlineData("HTTP", "function")]
    [InlineData("src/app.py", "file")]
    public void Kinds_are_srm_labels_guessed_from_the_name(string symbol, string kind)
    {
        Assert.Equal(kind, SymbolKindGuess.For(symbol));
    }
}
