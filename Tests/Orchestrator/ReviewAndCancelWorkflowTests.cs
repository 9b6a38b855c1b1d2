using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>The review gate and cancellation as decisions of the pure workflow.</summary>
public sealed class ReviewAndCancelWorkflowTests
{
    private const string Id = "6d1f3b2a-0000-4000-8000-000000000003";
    private readonly RequestWorkflow workflow = new(new WorkflowOptions(), new ManualTimeProvider(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)));

    private static MessageSource Http(string action) => MessageSource.Http($"{action}:{Id}");

    private RequestState Reviewing(out Plan plan)
    {
        plan = ReadyPlan(Id, steps: 3);
        var planning = RequestState.New(Request(Id), DateTimeOffset.UnixEpoch) with { Stage = Stage.PlanPhase, Review = true };
        var held = workflow.Decide(planning, plan, new MessageSource(Topics.PlanOut, 0, 1, "m-1"));
        Assert.Equal((Trigger.Review, Stage.PlanReview), (held.History.Single().Trigger, held.State!.Stage));
        Assert.Empty(held.Outbox); // nothing acts on the plan before a person approves it
        return held.State;
    }

    [Fact]
    public void A_reviewed_plan_waits_then_its_edited_form_is_what_the_code_agents_get()
    {
        var state = Reviewing(out var plan);
        Assert.Equal(plan.Id, state.PlanId);

        var edited = plan.Clone();
        edited.Steps.RemoveAt(1);
        edited.Steps[0].Path = "src/renamed.cs";
        var edit = workflow.Edit(state, edited, "removed step 2; step 1 path src/file0.cs -> src/renamed.cs", Http("edit"));
        Assert.Equal((Trigger.Edit, Stage.PlanReview), (edit.History.Single().Trigger, edit.State!.Stage));
        Assert.Empty(edit.Outbox);

        var approved = workflow.Approve(edit.State, "by ana", Http("approve"));
        Assert.Equal((Trigger.Approve, Stage.CodePhase), (approved.History.Single().Trigger, approved.State!.Stage));
        var bundle = Assert.IsType<TaskBundle>(approved.Outbox.Single(m => m.Topic == Topics.CodeTaskOut).Message);
        Assert.Equal(["src/renamed.cs", "src/file2.cs"], bundle.Tasks.Select(t => t.Step.Path));
        Assert.Equal(bundle.Tasks.Select(t => t.TaskId).Order(StringComparer.Ordinal), approved.State.PendingTasks);
    }

    [Fact]
    public void Rejecting_a_plan_regresses_the_request_and_releases_its_leases()
    {
        var state = Reviewing(out var plan);

        var rejected = workflow.Reject(state, "rejected: touches the wrong module", Http("reject"));

        Assert.Equal(Stage.Regress, rejected.State!.Stage);
        Assert.True(rejected.Ended);
        Assert.Equal(plan.Id, rejected.ReleasePlanId);
        Assert.Contains(rejected.Outbox, m => m.Topic == Topics.RegressionOut);
    }

    [Fact]
    public void Approving_or_editing_outside_plan_review_changes_nothing()
    {
        var coding = RequestState.New(Request(Id), DateTimeOffset.UnixEpoch) with { Stage = Stage.CodePhase, Plan = ReadyPlan(Id) };
        foreach (var decision in new[] { workflow.Approve(coding, "", Http("approve")), workflow.Edit(coding, ReadyPlan(Id, 1), "x", Http("edit")) })
        {
            Assert.False(decision.History.Single().Applied);
            Assert.Empty(decision.Outbox);
        }
    }

    public static TheoryData<Stage> NonTerminal() => [.. TransitionTable.NonTerminalStages];

    [Theory]
    [MemberData(nameof(NonTerminal))]
    public void Cancel_ends_a_request_from_any_stage_that_has_not_ended_without_a_regression_ticket(Stage stage)
    {
        var state = RequestState.New(Request(Id), DateTimeOffset.UnixEpoch) with { Stage = stage, PlanId = PlanIdOf(Id) };

        var cancelled = workflow.Cancel(state, "cancelled: wrong branch", Http("cancel"));

        Assert.Equal(Stage.Cancelled, cancelled.State!.Stage);
        Assert.True(cancelled.Ended);
        Assert.Equal(PlanIdOf(Id), cancelled.ReleasePlanId);
        Assert.DoesNotContain(cancelled.Outbox, m => m.Topic == Topics.RegressionOut);
    }

    [Fact]
    public void A_plan_that_arrives_after_the_request_ended_has_its_leases_released()
    {
        var state = RequestState.New(Request(Id), DateTimeOffset.UnixEpoch) with { Stage = Stage.Cancelled };

        var late = workflow.Decide(state, ReadyPlan(Id), new MessageSource(Topics.PlanOut, 0, 9, "m-late"));

        Assert.False(late.History.Single().Applied);
        Assert.Equal(Stage.Cancelled, late.State!.Stage);
        Assert.Equal(PlanIdOf(Id), late.ReleasePlanId);
    }
}
