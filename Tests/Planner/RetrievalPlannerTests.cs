using Contracts.Core;
using Contracts.Rag;
using RequestPlanner.Planning;
using RequestPlanner.Planning.Retrieval;
using RequestPlanner.Planning.Validation;

namespace Tests.Planner;

public sealed class RetrievalPlannerTests
{
    private static readonly InMemoryPathResolver Paths = new("src/app.py", "src/util.py", "src/legacy.py", "docs/readme.md");

    private static RetrievalPlanner Planner(int maxFiles = 3) =>
        new(new PlanValidator(Paths), new PlannerOptions { RetrievalMaxFiles = maxFiles });

    private static Snippet Hit(string path, string symbol, float score) =>
        new() { Path = path, Symbol = symbol, StartLine = 1, EndLine = 5, Text = $"def {symbol}(): pass", Score = score };

    private static PlanningInput Input(string description, params Snippet[] hits)
    {
        var context = new HybridSearchReply();
        context.Hits.AddRange(hits);
        return new PlanningInput(PlannerTestKit.Request(description: description), "main", context);
    }

    [Fact]
    public async Task A_function_to_add_that_does_not_exist_becomes_an_add_step_before_the_edit_of_its_caller()
    {
        var result = await Planner().PlanAsync(
            Input("add greet() to the app and call it from main", Hit("src/app.py", "main", 0.9f), Hit("src/util.py", "helper", 0.2f)),
            CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(RetrievalPlanner.Name, result.Planner);
        Assert.Equal(2, result.Steps.Count);
        Assert.Equal((1, StepKind.Add, "add greet()", "src/app.py"), (result.Steps[0].Order, result.Steps[0].KnownKind, result.Steps[0].Goal, result.Steps[0].Path));
        Assert.Equal(["greet"], result.Steps[0].Symbols);
        Assert.Equal((2, StepKind.Edit, "src/app.py"), (result.Steps[1].Order, result.Steps[1].KnownKind, result.Steps[1].Path));
        Assert.Equal(["main"], result.Steps[1].Symbols);
        Assert.Contains("no LLM is configured", result.Rationale[0]);
        Assert.Contains(result.Rationale, r => r.Contains("greet() is not defined in the retrieved code", StringComparison.Ordinal));
        // util.py scores under half the best: not worth an edit.
        Assert.DoesNotContain(result.Steps, s => s.Path == "src/util.py");
    }

    [Fact]
    public async Task Existing_functions_get_the_kind_their_verb_asks_for()
    {
        var result = await Planner().PlanAsync(
            Input("remove legacy_init() and rename App.load() to read", Hit("src/legacy.py", "legacy_init", 0.8f), Hit("src/app.py", "App.load", 0.7f)),
            CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        var remove = Assert.Single(result.Steps, s => s.KnownKind == StepKind.Remove);
        Assert.Equal(("src/legacy.py", "legacy_init"), (remove.Path, remove.Symbols.Single()));
        var refactor = Assert.Single(result.Steps, s => s.KnownKind == StepKind.Refactor);
        Assert.Equal(("src/app.py", "App.load"), (refactor.Path, refactor.Symbols.Single()));
        Assert.Equal([1, 2], result.Steps.Select(s => s.Order));
        Assert.Equal(StepKind.Refactor, result.Steps[0].KnownKind); // refactors before removals
    }

    [Fact]
    public async Task Without_named_functions_the_best_files_are_edited_at_their_mentioned_symbols()
    {
        var result = await Planner(maxFiles: 2).PlanAsync(
            Input("make the parser handle empty input", Hit("src/util.py", "helper", 0.95f), Hit("src/util.py", "parser", 0.9f),
                Hit("src/app.py", "main", 0.8f), Hit("docs/readme.md", "", 0.7f)),
            CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(["src/util.py", "src/app.py"], result.Steps.Select(s => s.Path));
        Assert.All(result.Steps, s => Assert.Equal(StepKind.Edit, s.KnownKind));
        Assert.Equal(["parser"], result.Steps[0].Symbols); // the symbol the description mentions, not the top hit
        Assert.Equal(["main"], result.Steps[1].Symbols);   // no mention: the file's best symbol
        Assert.Contains("make the parser handle empty input", result.Steps[0].Goal);
    }

    [Fact]
    public async Task No_retrieval_results_fail_with_what_to_do()
    {
        var result = await Planner().PlanAsync(Input("add greet()"), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("Index the repository", Assert.Single(result.Errors));
    }

    [Fact]
    public async Task Paths_from_a_stale_index_are_caught_by_validation()
    {
        var result = await Planner().PlanAsync(Input("fix main", Hit("src/deleted.py", "main", 0.9f)), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("src/deleted.py\" does not exist", Assert.Single(result.Errors));
    }
}
