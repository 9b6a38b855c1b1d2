using RequestPlanner.Planning.Validation;

namespace Tests.Planner;

public sealed class PlanJsonParserTests
{
    [Fact]
    public void Reads_a_plan_and_tolerates_a_markdown_fence()
    {
        var draft = PlanJsonParser.Parse(
            "```json\n{\"steps\":[{\"goal\":\"g\",\"kind\":\"ADD\",\"path\":\"a.py\",\"symbols\":[\"f\"]}],\"rationale\":[\"why\"]}\n```",
            out var error);

        Assert.NotNull(draft);
        Assert.Equal("", error);
        var step = Assert.Single(draft.Steps);
        Assert.Equal(("g", "ADD", "a.py"), (step.Goal, step.Kind, step.Path));
        Assert.Equal(["f"], step.Symbols);
        Assert.Equal(["why"], draft.Rationale);
        Assert.Empty(draft.ReadErrors);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"steps\": [", "not valid JSON")]
    [InlineData("[1,2]", "JSON array, not an object")]
    [InlineData("\"steps\"", "JSON string, not an object")]
    [InlineData("{\"rationale\":[]}", "no \"steps\" array")]
    [InlineData("{\"steps\":{}}", "no \"steps\" array")]
    public void Unreadable_replies_are_errors_not_exceptions(string reply, string reason)
    {
        Assert.Null(PlanJsonParser.Parse(reply, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Missing_and_mistyped_fields_are_reported_per_step()
    {
        var draft = PlanJsonParser.Parse(
            """{"steps":[{"kind":"EDIT","path":7,"symbols":"main"}, 42, {"goal":"g","kind":null,"path":"a","symbols":["x",3]}],"rationale":"why"}""",
            out _);

        Assert.NotNull(draft);
        Assert.Equal(2, draft.Steps.Count);
        Assert.Null(draft.Steps[0].Goal);
        Assert.Null(draft.Steps[0].Path);
        Assert.Empty(draft.Steps[0].Symbols);
        Assert.Equal(["x"], draft.Steps[1].Symbols);
        Assert.Equal(
        [
            "step 1 has no \"goal\"",
            "step 1: \"path\" must be a string, not a JSON number",
            "step 1: \"symbols\" must be an array of strings, not a JSON string",
            "step 2 is a JSON number, not an object",
            "step 3 has no \"kind\"",
            "step 3: \"symbols\" contains a JSON number; only strings are allowed",
            "the plan: \"rationale\" must be an array of strings, not a JSON string",
        ], draft.ReadErrors);
    }

    [Fact]
    public void Deeply_nested_input_is_refused_rather_than_crashing()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        Assert.Null(PlanJsonParser.Parse(deep, out var error));
        Assert.Contains("not valid JSON", error);
    }
}
