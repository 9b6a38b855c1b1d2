using Contracts.Core;
using RequestPlanner.Planning.Validation;

namespace Tests.Planner;

public sealed class PlanValidatorTests
{
    private static PlanDraft Draft(params DraftStep[] steps) => new(steps, ["because"], []);

    [Fact]
    public async Task A_valid_draft_becomes_steps_numbered_from_one()
    {
        var validator = new PlanValidator(new InMemoryPathResolver("src/app.py"));
        var result = await validator.ValidateAsync("demo", "main", Draft(
            new DraftStep("add greet", "add", "src/new.py", ["greet()", "greet"]),
            new DraftStep("edit main", " Edit ", "src/app.py", ["App.main"]),
            new DraftStep("tidy", "REFACTOR", "./src/app.py", [])), CancellationToken.None);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal([1, 2, 3], result.Steps.Select(s => s.Order));
        Assert.Equal<StepKind?>([StepKind.Add, StepKind.Edit, StepKind.Refactor], result.Steps.Select(s => s.KnownKind));
        Assert.Equal(["greet"], result.Steps[0].Symbols); // "greet()" and "greet" are one symbol
        Assert.Equal("src/app.py", result.Steps[2].Path);
    }

    [Fact]
    public async Task Add_may_create_a_file_but_edit_remove_and_refactor_need_one_that_exists()
    {
        var validator = new PlanValidator(new InMemoryPathResolver("src/app.py"));
        var result = await validator.ValidateAsync("demo", "main", Draft(
            new DraftStep("new", "ADD", "src/new.py", []),
            new DraftStep("edit", "EDIT", "src/gone.py", []),
            new DraftStep("remove", "REMOVE", "src/gone.py", []),
            new DraftStep("refactor", "REFACTOR", "lib/none.py", [])), CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Empty(result.Steps);
        Assert.Equal(3, result.Errors.Count);
        Assert.StartsWith("step 2: path \"src/gone.py\" does not exist in demo@main", result.Errors[0]);
        Assert.StartsWith("step 3: path \"src/gone.py\" does not exist", result.Errors[1]);
        Assert.StartsWith("step 4: path \"lib/none.py\" does not exist", result.Errors[2]);
    }

    [Fact]
    public async Task Every_problem_is_reported_at_once()
    {
        var paths = new InMemoryPathResolver("src/app.py");
        var validator = new PlanValidator(paths);
        var result = await validator.ValidateAsync("demo", "main", new PlanDraft(
        [
            new DraftStep("", "DELETE", "../x", ["two words", ""]),
            new DraftStep(null, null, null, []),
        ], [], ["step 2 has no \"goal\""]), CancellationToken.None);

        Assert.Equal(
        [
            "step 2 has no \"goal\"",
            "step 1: goal is empty",
            "step 1: kind \"DELETE\" is not one of ADD, EDIT, REMOVE, REFACTOR",
            "step 1: path \"../x\" contains '..'; paths must stay inside the repository",
            "step 1: symbol \"two words\" contains spaces or control characters; name one symbol",
            "step 1: symbol \"\" is empty",
        ], result.Errors);
        Assert.Equal(0, paths.Calls); // nothing valid to look up
    }

    [Fact]
    public async Task An_empty_or_oversized_plan_is_rejected()
    {
        var validator = new PlanValidator(new InMemoryPathResolver());
        var empty = await validator.ValidateAsync("demo", "main", Draft(), CancellationToken.None);
        Assert.Equal(["the plan has no steps"], empty.Errors);

        var many = Enumerable.Range(0, PlanLimits.MaxSteps + 1).Select(i => new DraftStep($"g{i}", "ADD", $"f{i}.py", [])).ToArray();
        var huge = await validator.ValidateAsync("demo", "main", Draft(many), CancellationToken.None);
        Assert.Contains($"the plan has {PlanLimits.MaxSteps + 1} steps; at most {PlanLimits.MaxSteps} are allowed", huge.Errors);
    }

    [Fact]
    public async Task Existence_is_asked_once_per_plan()
    {
        var paths = new InMemoryPathResolver("a.py", "b.py");
        var result = await new PlanValidator(paths).ValidateAsync("demo", "main", Draft(
            new DraftStep("1", "EDIT", "a.py", []),
            new DraftStep("2", "EDIT", "b.py", []),
            new DraftStep("3", "REMOVE", "a.py", [])), CancellationToken.None);
        Assert.True(result.IsValid);
        Assert.Equal(1, paths.Calls);
    }
}
