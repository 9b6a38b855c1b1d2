using Contracts;
using Contracts.Core;
using Orchestrator.Workflow;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using static Tests.Orchestrator.WorkflowMessages;

namespace Tests.Orchestrator;

public sealed class RequestWorkflowTests
{
    private const string Id = "6d1f3b2a-0000-4000-8000-000000000001";
    private static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly ManualTimeProvider clock = new(Start);
    private readonly WorkflowOptions options = new() { MaxPlanAttempts = 3, ResubmitBackoff = TimeSpan.FromSeconds(10) };
    private readonly RequestWorkflow workflow;

    public RequestWorkflowTests() => workflow = new RequestWorkflow(options, clock);

    private static MessageSource Source(string topic = Topics.PlanOut, string? messageId = null) =>
        new(topic, 0, 1, messageId ?? Guid.NewGuid().ToString());

    private static RequestState StateAt(Stage stage) => RequestState.New(Request(Id), Start) with
    {
        Stage = stage, PlanId = stage >= Stage.CodePhase ? PlanIdOf(Id) : null,
        PendingTasks = stage == Stage.CodePhase ? [TaskId(Id, 1)] : [],
    };

    /// <summary>Fired over HTTP by a person, never by a message.</summary>
    private static readonly Trigger[] PeopleTriggers = [Trigger.Approve, Trigger.Edit, Trigger.Reject, Trigger.Cancel];

    public static TheoryData<Stage, Trigger> EveryStageAndMessageTrigger()
    {
        var data = new TheoryData<Stage, Trigger>();
        foreach (var stage in Enum.GetValues<Stage>())
            foreach (var trigger in Enum.GetValues<Trigger>().Except(PeopleTriggers).Where(t => t is not (Trigger.Resubmit or Trigger.ReleaseFail or Trigger.Index)))
                data.Add(stage, trigger);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStageAndMessageTrigger))]
    public void Every_message_in_every_stage_is_applied_by_the_table_or_recorded_and_ignored(Stage stage, Trigger trigger)
    {
        var before = StateAt(stage);

        var decision = workflow.Decide(before, ForTrigger(trigger, Id, stage), Source());

        var first = Assert.IsType<HistoryEntry>(decision.History[0], exactMatch: true);
        Assert.Equal(stage, first.From);
        if (TransitionTable.TryFire(stage, first.Trigger, out var to))
        {
            Assert.True(first.Applied);
            Assert.Equal(to, first.To);
            Assert.Equal(decision.History[^1].To, decision.State!.Stage);
            Assert.Equal(to == Stage.Regress, decision.Outbox.Any(m => m.Topic == Topics.RegressionOut));
        }
        else
        {
            Assert.False(first.Applied);
            Assert.Equal(stage, first.To);
            Assert.Single(decision.History);
            Assert.Equal(stage, decision.State!.Stage);
            Assert.Empty(decision.Outbox);
            Assert.False(decision.Ended);
            Assert.False(string.IsNullOrWhiteSpace(first.Detail));
        }
    }

    [Fact]
    public void A_new_change_request_enters_plan_phase_and_is_forwarded_to_deepplan()
    {
        var decision = workflow.Decide(null, Request(Id), Source(Topics.ChangeRequestIn));

        Assert.True(decision.Created);
        Assert.Equal(Stage.PlanPhase, decision.State!.Stage);
        Assert.Equal(1, decision.State.Attempts);
        var entry = Assert.Single(decision.History);
        Assert.Equal((Trigger.Crq, Stage.Idle, Stage.PlanPhase, true), (entry.Trigger, entry.From, entry.To, entry.Applied));
        var forwarded = Assert.Single(decision.Outbox);
        Assert.Equal(Topics.DeepPlanIn, forwarded.Topic);
        Assert.Equal(Id, forwarded.Key);
        var deep = Assert.IsType<DeepPlan>(forwarded.Message);
        Assert.Equal(Id, deep.RequestId);
        Assert.Equal("add greet() and call it from main", deep.Request.Description);
    }

    [Fact]
    public void A_change_request_for_a_request_already_planning_is_recorded_and_ignored()
    {
        var decision = workflow.Decide(StateAt(Stage.PlanPhase), Request(Id), Source(Topics.ChangeRequestIn));

        var entry = Assert.Single(decision.History);
        Assert.False(entry.Applied);
        Assert.Equal(Trigger.Crq, entry.Trigger);
        Assert.Empty(decision.Outbox);
        Assert.False(decision.Created);
    }

    [Fact]
    public void An_invalid_change_request_is_rejected_with_the_reason()
    {
        var bad = Request(Id);
        bad.Description = new string('x', ChangeRequestRules.MaxDescriptionLength + 1);
        bad.Branch = "";

        var error = Assert.Throws<InvalidMessageException>(() => workflow.Decide(null, bad, Source(Topics.ChangeRequestIn)));
        Assert.Contains("description must be at most", error.Message);
        Assert.Contains("branch is required", error.Message);
    }

    [Fact]
    public void Messages_for_an_unknown_request_decide_nothing()
    {
        var decision = workflow.Decide(null, ReadyPlan(Id), Source());
        Assert.Null(decision.State);
        Assert.False(decision.HasEffects);
    }

    [Fact]
    public void A_ready_plan_enters_code_phase_with_one_pending_task_per_step()
    {
        var decision = workflow.Decide(StateAt(Stage.PlanPhase), ReadyPlan(Id, steps: 3), Source());

        Assert.Equal(Stage.CodePhase, decision.State!.Stage);
        Assert.Equal(PlanIdOf(Id), decision.State.PlanId);
        var bundle = Assert.IsType<TaskBundle>(Assert.Single(decision.Outbox, m => m.Topic == Topics.CodeTaskOut).Message);
        Assert.Equal(3, bundle.Tasks.Count);
        Assert.Equal(3, bundle.Tasks.Select(t => t.TaskId).Distinct().Count());
        Assert.Equal(bundle.Tasks.Select(t => t.TaskId).Order(StringComparer.Ordinal), decision.State.PendingTasks);
        Assert.Equal(["src/file0.cs", "src/file1.cs", "src/file2.cs"], bundle.Tasks.Select(t => t.Step.Path));
        Assert.Equal((PlanIdOf(Id), "main"), (bundle.PlanId, bundle.Branch));
    }

    [Fact]
    public void A_failed_plan_regresses_with_its_reasons_and_a_ticket_and_releases_the_plan()
    {
        var decision = workflow.Decide(StateAt(Stage.PlanPhase), FailedPlan(Id, "path outside the repository: ../etc"), Source());

        Assert.Equal(Stage.Regress, decision.State!.Stage);
        Assert.True(decision.Ended);
        Assert.Equal(PlanIdOf(Id), decision.ReleasePlanId);
        Assert.Contains("path outside the repository", Assert.Single(decision.History).Detail);
        var ticket = Assert.IsType<RegressionTicket>(Assert.Single(decision.Outbox).Message);
        Assert.Equal(Stage.PlanPhase, ticket.Stage);
        Assert.Contains("path outside the repository", ticket.Summary);
        Assert.Equal(Topics.PlanOut, ticket.SourceTopic);
        Assert.Equal(Start, ticket.RaisedAt.ToDateTimeOffset());
    }

    [Fact]
    public void A_blocked_plan_waits_with_a_backoff_and_is_resubmitted_with_the_next_attempt()
    {
        var blocked = workflow.Decide(StateAt(Stage.PlanPhase), BlockedPlan(Id, "plan-holder"), Source());

        Assert.Equal(Stage.PlanPhase, blocked.State!.Stage);
        Assert.Equal(Start + TimeSpan.FromSeconds(10), blocked.State.ResubmitAt);
        Assert.Equal(["plan-holder"], blocked.State.BlockedBy);
        Assert.Empty(blocked.Outbox);
        Assert.Contains("App.Program.Main held by plan plan-holder", Assert.Single(blocked.History).Detail);

        clock.Advance(TimeSpan.FromSeconds(10));
        var resubmitted = workflow.Resubmit(blocked.State, "back-off elapsed", MessageSource.Scheduler("resubmit-1"));

        Assert.Equal(2, resubmitted.State!.Attempts);
        Assert.Null(resubmitted.State.ResubmitAt);
        var entry = Assert.Single(resubmitted.History);
        Assert.Equal((Trigger.Resubmit, Stage.PlanPhase, true), (entry.Trigger, entry.To, entry.Applied));
        var message = Assert.Single(resubmitted.Outbox);
        Assert.Equal(Topics.ChangeRequestIn, message.Topic);
        Assert.Equal(2, Assert.IsType<ChangeRequest>(message.Message).Attempt);

        // The second back-off doubles.
        var blockedAgain = workflow.Decide(resubmitted.State, BlockedPlan(Id, "plan-holder"), Source());
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(20), blockedAgain.State!.ResubmitAt);
    }

    [Fact]
    public void A_blocked_plan_whose_conflicts_name_their_expiry_waits_for_the_last_to_end_at_most_the_longest_back_off()
    {
        var plan = BlockedPlan(Id, "plan-holder");
        plan.Conflicts[0].ExpiresAt = Timestamp.FromDateTimeOffset(Start + TimeSpan.FromSeconds(30));
        plan.Conflicts.Add(new SymbolConflict { FqName = "App.Other", HolderPlanId = "plan-holder", ExpiresAt = Timestamp.FromDateTimeOffset(Start + TimeSpan.FromSeconds(45)) });

        var blocked = workflow.Decide(StateAt(Stage.PlanPhase), plan, Source());
        Assert.Equal(Start + TimeSpan.FromSeconds(45) + options.LeaseExpiryMargin, blocked.State!.ResubmitAt);

        plan.Conflicts[1].ExpiresAt = Timestamp.FromDateTimeOffset(Start + TimeSpan.FromHours(5));
        Assert.Equal(Start + options.MaxResubmitBackoff, workflow.Decide(StateAt(Stage.PlanPhase), plan, Source()).State!.ResubmitAt);

        plan.Conflicts[1].ExpiresAt = null; // one end unknown: back-off
        Assert.Equal(Start + TimeSpan.FromSeconds(10), workflow.Decide(StateAt(Stage.PlanPhase), plan, Source()).State!.ResubmitAt);
    }

    [Fact]
    public void A_second_blocked_plan_for_the_same_attempt_is_ignored_and_resubmit_when_not_waiting_does_nothing()
    {
        var blocked = workflow.Decide(StateAt(Stage.PlanPhase), BlockedPlan(Id, "plan-holder"), Source()).State!;

        var duplicate = workflow.Decide(blocked, BlockedPlan(Id, "plan-holder"), Source());
        Assert.False(Assert.Single(duplicate.History).Applied);
        Assert.Equal(blocked.ResubmitAt, duplicate.State!.ResubmitAt);

        var notWaiting = workflow.Resubmit(StateAt(Stage.CodePhase), "late timer", MessageSource.Scheduler("x"));
        Assert.False(notWaiting.HasEffects);
    }

    [Fact]
    public void A_plan_still_blocked_after_the_configured_attempts_regresses_with_the_conflicts()
    {
        var state = StateAt(Stage.PlanPhase) with { Attempts = options.MaxPlanAttempts };

        var decision = workflow.Decide(state, BlockedPlan(Id, "plan-holder"), Source());

        Assert.Equal(Stage.Regress, decision.State!.Stage);
        var entry = Assert.Single(decision.History);
        Assert.Equal(Trigger.PlanFail, entry.Trigger);
        Assert.Contains("blocked after 3 attempt(s)", entry.Detail);
        Assert.Contains("plan-holder", Assert.IsType<RegressionTicket>(Assert.Single(decision.Outbox).Message).Summary);
    }

    [Fact]
    public void Commits_clear_their_tasks_and_the_last_one_moves_to_build1()
    {
        var state = workflow.Decide(StateAt(Stage.PlanPhase), ReadyPlan(Id, steps: 2), Source()).State!;

        var first = workflow.Decide(state, Commit(Id, 2), Source(Topics.CommitResultOut));
        Assert.Equal(Stage.CodePhase, first.State!.Stage);
        Assert.Equal([TaskId(Id, 1)], first.State.PendingTasks);
        Assert.Equal(Trigger.TaskOk, Assert.Single(first.History).Trigger);

        var again = workflow.Decide(first.State, Commit(Id, 2), Source(Topics.CommitResultOut));
        Assert.False(Assert.Single(again.History).Applied);
        Assert.Equal([TaskId(Id, 1)], again.State!.PendingTasks);

        var last = workflow.Decide(first.State, Commit(Id, 1), Source(Topics.CommitResultOut));
        Assert.Equal(Stage.Build1, last.State!.Stage);
        Assert.Empty(last.State.PendingTasks);
        Assert.Equal(Trigger.CodeOk, Assert.Single(last.History).Trigger);
        Assert.Empty(last.Outbox);
    }

    [Fact]
    public void A_failed_commit_regresses_with_a_ticket()
    {
        var decision = workflow.Decide(StateAt(Stage.CodePhase), Commit(Id, 1, success: false), Source(Topics.CommitResultOut));

        Assert.Equal(Stage.Regress, decision.State!.Stage);
        var ticket = Assert.IsType<RegressionTicket>(Assert.Single(decision.Outbox).Message);
        Assert.Equal(Stage.CodePhase, ticket.Stage);
        Assert.Contains("merge conflict", ticket.Summary);
    }

    [Fact]
    public void Build_reports_move_build1_to_test_plan_and_build2_to_done()
    {
        var testPlan = workflow.Decide(StateAt(Stage.Build1), Build(Id), Source(Topics.BuildReportOut));
        Assert.Equal(Stage.TestPlan, testPlan.State!.Stage);
        Assert.Equal(Trigger.BuildOk, testPlan.History[0].Trigger);

        var done = workflow.Decide(StateAt(Stage.Build2), Build(Id), Source(Topics.BuildReportOut));
        Assert.Equal(Stage.Done, done.State!.Stage);
        Assert.Equal(Trigger.Build2Ok, done.History[0].Trigger);
        Assert.True(done.Ended);
        Assert.Equal(PlanIdOf(Id), done.ReleasePlanId);
        Assert.Empty(done.Outbox);
    }

    [Theory]
    [InlineData(Stage.PlanPhase)]
    [InlineData(Stage.Build1)]
    [InlineData(Stage.Build2)]
    public void A_failed_build_regresses_from_any_non_terminal_stage_with_a_ticket(Stage stage)
    {
        var decision = workflow.Decide(StateAt(stage), Build(Id, passed: false), Source(Topics.BuildReportOut));

        Assert.Equal(Stage.Regress, decision.State!.Stage);
        var ticket = Assert.IsType<RegressionTicket>(Assert.Single(decision.Outbox, m => m.Topic == Topics.RegressionOut).Message);
        Assert.Equal(stage, ticket.Stage);
        Assert.Contains("CS0103", ticket.Summary);
        Assert.Equal(Topics.BuildReportOut, ticket.SourceTopic);
    }

    [Fact]
    public void Test_spec_and_generated_tests_drive_the_test_phases()
    {
        Assert.Equal(Stage.TestBuild, workflow.Decide(StateAt(Stage.TestPlan), Spec(Id), Source()).State!.Stage);
        Assert.Equal(Stage.Build2, workflow.Decide(StateAt(Stage.TestBuild), Generated(Id), Source()).State!.Stage);

        var failed = workflow.Decide(StateAt(Stage.TestBuild), Generated(Id, passed: false), Source());
        Assert.Equal(Stage.Regress, failed.State!.Stage);
        Assert.Contains("test does not compile", Assert.IsType<RegressionTicket>(Assert.Single(failed.Outbox).Message).Summary);
    }

    [Fact]
    public void The_happy_path_reaches_done_through_every_stage()
    {
        RequestState? state = null;
        var stages = new List<Stage>();
        foreach (var message in HappyPath(Id))
        {
            var decision = workflow.Decide(state, message, Source());
            Assert.All(decision.History, entry => Assert.True(entry.Applied, entry.Detail));
            state = decision.State;
            stages.Add(state!.Stage);
        }
        Assert.Equal([Stage.PlanPhase, Stage.CodePhase, Stage.Build1, Stage.TestPlan, Stage.TestBuild, Stage.Build2, Stage.Done], stages);
    }

    [Fact]
    public void Outbound_message_ids_derive_from_the_input_so_a_repeated_decision_repeats_them()
    {
        var once = workflow.Decide(StateAt(Stage.PlanPhase), ReadyPlan(Id), Source(messageId: "m-1"));
        var twice = workflow.Decide(StateAt(Stage.PlanPhase), ReadyPlan(Id), Source(messageId: "m-1"));
        var other = workflow.Decide(StateAt(Stage.PlanPhase), ReadyPlan(Id), Source(messageId: "m-2"));

        Assert.Equal(once.Outbox.Select(m => m.MessageId), twice.Outbox.Select(m => m.MessageId));
        Assert.NotEqual(once.Outbox[0].MessageId, other.Outbox[0].MessageId);
    }

    [Fact]
    public void Long_details_are_truncated()
    {
        var report = Build(Id, passed: false);
        report.Log = new string('e', 10_000);

        var decision = workflow.Decide(StateAt(Stage.Build1), report, Source());

        Assert.True(decision.History[0].Detail.Length <= options.MaxDetailLength + 1);
    }
}
