using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>What the workflow publishes fills the seed's fields, and it remembers the seed ids that correlate later messages.</summary>
public sealed class SeedFieldsWorkflowTests
{
    private const string Id = "6d1f3b2a-0000-4000-8000-0000000000b1";
    private readonly RequestWorkflow workflow = new(new WorkflowOptions(), new ManualTimeProvider(DateTimeOffset.UnixEpoch));

    private static MessageSource Source(string topic) => new(topic, 0, 1, Guid.NewGuid().ToString());

    [Fact]
    public void The_deep_plan_the_task_bundle_and_the_ticket_carry_the_seeds_fields()
    {
        var submitted = workflow.Decide(null, Request(Id), Source(Topics.ChangeRequestIn));
        var deep = Assert.IsType<DeepPlan>(Assert.Single(submitted.Outbox).Message);
        Assert.Equal(Id, deep.Id);
        Assert.Equal(["plan_phase", "code_phase", "build1", "test_plan", "test_build", "build2"], deep.Phases.Select(p => p.Id));
        Assert.EndsWith("add greet() and call it from main", deep.Phases[0].Goal, StringComparison.Ordinal);

        var planned = workflow.Decide(submitted.State, ReadyPlan(Id, steps: 2), Source(Topics.PlanOut));
        var bundle = Assert.IsType<TaskBundle>(Assert.Single(planned.Outbox).Message);
        Assert.Equal(PlanIdOf(Id), bundle.PlanId);
        Assert.Equal([TaskId(Id, 1), TaskId(Id, 2)], bundle.TaskIds);
        Assert.Equal(bundle.TaskIds, bundle.Tasks.Select(t => t.TaskId));
        Assert.Equal([new(CorrelationKind.Plan, PlanIdOf(Id)), new(CorrelationKind.Task, TaskId(Id, 1)), new Correlation(CorrelationKind.Task, TaskId(Id, 2))],
            planned.Correlations);

        var failed = workflow.Decide(planned.State, new CommitResult { TaskId = TaskId(Id, 1), Status = "FAILURE", Message = "merge conflict" },
            Source(Topics.CommitResultOut));
        var ticket = Assert.IsType<RegressionTicket>(Assert.Single(failed.Outbox).Message);
        Assert.Equal((Id, Stage.CodePhase), (ticket.Id, ticket.Stage));
        Assert.StartsWith("code_phase: commit for task", ticket.Summary, StringComparison.Ordinal);
        Assert.Contains("merge conflict", ticket.Summary);
    }

    [Theory]
    [InlineData("DONE")]
    [InlineData("")]
    public void An_unknown_status_is_refused_with_the_reason_and_changes_nothing(string status)
    {
        var state = RequestState.New(Request(Id), DateTimeOffset.UnixEpoch) with { Stage = Stage.Build1 };

        var decision = workflow.Decide(state, new BuildReport { CommitSha = "abc", Status = status }, Source(Topics.BuildReportOut));

        Assert.Equal(Stage.Build1, decision.State!.Stage);
        Assert.Contains($"status \"{status}\", not one of PASSED, FAILED", decision.Refusal);
        var entry = Assert.Single(decision.History);
        Assert.False(entry.Applied);
        Assert.StartsWith("rejected: build of abc", entry.Detail, StringComparison.Ordinal);
        Assert.Empty(decision.Outbox);
    }

    [Fact]
    public void An_invalid_plan_for_an_unknown_request_is_refused_rather_than_parked()
    {
        var plan = ReadyPlan(Id, steps: 1);
        plan.Steps[0].Path = "/etc/passwd";
        var error = Assert.Throws<InvalidMessageException>(() => workflow.Decide(null, plan, Source(Topics.PlanOut)));
        Assert.Contains("path '/etc/passwd' is absolute", error.Message);
    }
}
