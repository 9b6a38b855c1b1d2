using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using Tests.Infrastructure;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

/// <summary>The whole workflow through the in-memory Kafka broker and a real Postgres, with stand-in agents.</summary>
public sealed class OrchestratorPipelineTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_request_goes_from_submission_to_done_and_its_leases_are_released_despite_srm_failures()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, nameof(A_request_goes_from_submission_to_done_and_its_leases_are_released_despite_srm_failures));
        harness.Srm.FailNext(2);
        var id = await harness.SubmitAsync();

        await harness.WaitForStageAsync(id, Stage.PlanPhase);
        await harness.PublishAsync(Topics.PlanOut, id, ReadyPlan(id, steps: 2));
        var coding = await harness.WaitForStageAsync(id, Stage.CodePhase);
        Assert.Equal([TaskId(id, 1), TaskId(id, 2)], coding.PendingTasks);

        await harness.PublishAsync(Topics.CommitResultOut, id, Commit(id, 1));
        await harness.PublishAsync(Topics.CommitResultOut, id, Commit(id, 2));
        await harness.WaitForStageAsync(id, Stage.Build1);
        await harness.PublishAsync(Topics.BuildReportOut, id, Build(id, buildId: "b1"));
        await harness.WaitForStageAsync(id, Stage.TestPlan);
        await harness.PublishAsync(Topics.TestSpecOut, id, Spec(id));
        await harness.WaitForStageAsync(id, Stage.TestBuild);
        await harness.PublishAsync(Topics.GeneratedTestsOut, id, Generated(id));
        await harness.WaitForStageAsync(id, Stage.Build2);
        await harness.PublishAsync(Topics.BuildReportOut, id, Build(id, buildId: "b2"));
        await harness.WaitForStageAsync(id, Stage.Done);

        var timeline = await harness.TimelineAsync(id);
        Assert.All(timeline, t => Assert.True(t.Entry.Applied, t.Entry.Detail));
        Assert.Equal([Trigger.Crq, Trigger.Plan, Trigger.TaskOk, Trigger.CodeOk, Trigger.BuildOk, Trigger.Tspec, Trigger.GtOk, Trigger.Build2Ok],
            timeline.Select(t => t.Entry.Trigger));
        Assert.Equal(Topics.PlanOut, timeline[1].Entry.Source.Topic);
        Assert.NotNull(timeline[1].Entry.Source.Offset);

        // What the Orchestrator published, read back from the broker.
        await OrchestratorHarness.WaitUntilAsync(async () => await harness.Queries.UnpublishedCountAsync(default) == 0, "the outbox to drain");
        var submitted = Assert.Single(harness.ReadTopic(Topics.ChangeRequestIn, id));
        Assert.Equal(1, ChangeRequest.Parser.ParseFrom(submitted.Message.Value).Attempt);
        Assert.Equal("application/x-protobuf; messageType=core.ChangeRequest", OrchestratorHarness.Header(submitted, MessageTypes.ContentTypeHeader));
        Assert.Equal(id, DeepPlan.Parser.ParseFrom(Assert.Single(harness.ReadTopic(Topics.DeepPlanIn, id)).Message.Value).RequestId);
        var bundle = TaskBundle.Parser.ParseFrom(Assert.Single(harness.ReadTopic(Topics.CodeTaskOut, id)).Message.Value);
        Assert.Equal([TaskId(id, 1), TaskId(id, 2)], bundle.Tasks.Select(t => t.TaskId));
        Assert.Empty(harness.ReadTopic(Topics.RegressionOut, id));

        // Srm answered UNAVAILABLE twice; the release was retried until it succeeded.
        await OrchestratorHarness.WaitUntilAsync(async () =>
            (await harness.Queries.LeaseReleaseAsync(PlanIdOf(id), default))?.ReleasedAt is not null, "the plan's leases to be released");
        Assert.Equal(3, harness.Srm.CallsFor(PlanIdOf(id)));
    }

    [Theory]
    [InlineData(Scenario.PlanFails, Stage.PlanPhase, "no file matches")]
    [InlineData(Scenario.CommitFails, Stage.CodePhase, "patch does not apply")]
    [InlineData(Scenario.BuildFails, Stage.Build1, "CS0103")]
    [InlineData(Scenario.GeneratedTestsFail, Stage.TestBuild, "test does not compile")]
    public async Task Each_failure_regresses_with_a_ticket_on_regression_out(Scenario scenario, Stage failedIn, string reason)
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "fail_" + scenario);
        var id = await harness.SubmitAsync();
        var pipeline = new StandInPipeline(harness);
        pipeline.Add(id, scenario);

        await pipeline.RunAsync(OrchestratorHarness.Timeout);

        var state = await harness.WaitForStageAsync(id, Stage.Regress);
        var last = (await harness.TimelineAsync(id))[^1].Entry;
        Assert.Equal((failedIn, Stage.Regress), (last.From, last.To));
        Assert.Contains(reason, last.Detail);
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.ReadTopic(Topics.RegressionOut, id).Count == 1), "the ticket on regression.out");
        var ticket = RegressionTicket.Parser.ParseFrom(harness.ReadTopic(Topics.RegressionOut, id)[0].Message.Value);
        Assert.Equal(failedIn, ticket.Stage);
        Assert.Contains(reason, ticket.Summary);
        Assert.Equal(id, ticket.RequestId);
        Assert.Equal(state.Id, ticket.RequestId);
    }

    [Fact]
    public async Task A_blocked_plan_is_resubmitted_after_its_backoff_and_regresses_with_the_conflicts_after_the_last_attempt()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "blocked_backoff", new Dictionary<string, string?>
        {
            ["Orchestrator:Workflow:MaxPlanAttempts"] = "2",
            ["Orchestrator:Workflow:ResubmitBackoff"] = "00:00:00.300",
        });
        var id = await harness.SubmitAsync();
        await harness.WaitForStageAsync(id, Stage.PlanPhase);

        await harness.PublishAsync(Topics.PlanOut, id, BlockedPlan(id, "plan-someone-else"));
        await OrchestratorHarness.WaitUntilAsync(async () => (await harness.Queries.GetAsync(id, default))!.Attempts == 2, "the resubmission");
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.ReadTopic(Topics.ChangeRequestIn, id).Count == 2), "attempt 2 on change.request.in");
        Assert.Equal([1, 2], harness.ReadTopic(Topics.ChangeRequestIn, id).Select(r => ChangeRequest.Parser.ParseFrom(r.Message.Value).Attempt).Order());

        await harness.PublishAsync(Topics.PlanOut, id, BlockedPlan(id, "plan-someone-else"));
        await harness.WaitForStageAsync(id, Stage.Regress);
        await OrchestratorHarness.WaitUntilAsync(() => Task.FromResult(harness.ReadTopic(Topics.RegressionOut, id).Count == 1), "the ticket on regression.out");
        var ticket = RegressionTicket.Parser.ParseFrom(Assert.Single(harness.ReadTopic(Topics.RegressionOut, id)).Message.Value);
        Assert.Contains("blocked after 2 attempt(s)", ticket.Summary);
        Assert.Contains("App.Program.Main held by plan plan-someone-else", ticket.Summary);
    }

    [Fact]
    public async Task A_blocked_request_is_resubmitted_as_soon_as_the_request_it_conflicts_with_ends()
    {
        await using var harness = await OrchestratorHarness.StartAsync(postgres, "blocked_conflict", new Dictionary<string, string?>
        {
            ["Orchestrator:Workflow:ResubmitBackoff"] = "00:10:00", // only the conflict's end can wake it within the test
        });
        var holder = await harness.SubmitAsync("holder");
        var waiting = await harness.SubmitAsync("waiting");
        await harness.WaitForStageAsync(holder, Stage.PlanPhase);
        await harness.PublishAsync(Topics.PlanOut, holder, ReadyPlan(holder, steps: 1));
        await harness.WaitForStageAsync(holder, Stage.CodePhase);
        await harness.PublishAsync(Topics.PlanOut, waiting, BlockedPlan(waiting, PlanIdOf(holder)));
        await OrchestratorHarness.WaitUntilAsync(async () => (await harness.Queries.GetAsync(waiting, default))!.ResubmitAt is not null, "the block");

        await harness.PublishAsync(Topics.CommitResultOut, holder, Commit(holder, 1, success: false));
        await harness.WaitForStageAsync(holder, Stage.Regress);

        await OrchestratorHarness.WaitUntilAsync(async () => (await harness.Queries.GetAsync(waiting, default))!.Attempts == 2, "the resubmission after the holder ended");
        var resubmit = (await harness.TimelineAsync(waiting))[^1].Entry;
        Assert.Equal(Trigger.Resubmit, resubmit.Trigger);
        Assert.Contains(PlanIdOf(holder), resubmit.Detail);
        Assert.Equal(1, harness.Srm.CallsFor(PlanIdOf(holder)));
    }
}
