using Contracts.Core;
using Orchestrator.Workflow;

namespace Tests.Orchestrator;

public sealed class TransitionTableTests
{
    /// <summary>The issue's transitions, written out independently of the production table.</summary>
    private static readonly Dictionary<(Phase, Trigger), Phase> Expected = BuildExpected();

    private static Dictionary<(Phase, Trigger), Phase> BuildExpected()
    {
        var expected = new Dictionary<(Phase, Trigger), Phase>
        {
            [(Phase.Idle, Trigger.Crq)] = Phase.PlanPhase,
            [(Phase.PlanPhase, Trigger.Plan)] = Phase.CodePhase,
            [(Phase.PlanPhase, Trigger.PlanBlocked)] = Phase.PlanPhase,
            [(Phase.PlanPhase, Trigger.Resubmit)] = Phase.PlanPhase,
            [(Phase.PlanPhase, Trigger.PlanFail)] = Phase.Regress,
            [(Phase.PlanPhase, Trigger.Review)] = Phase.PlanReview,
            [(Phase.PlanReview, Trigger.Approve)] = Phase.CodePhase,
            [(Phase.PlanReview, Trigger.Edit)] = Phase.PlanReview,
            [(Phase.PlanReview, Trigger.Reject)] = Phase.Regress,
            [(Phase.CodePhase, Trigger.TaskOk)] = Phase.CodePhase,
            [(Phase.CodePhase, Trigger.CodeOk)] = Phase.Build1,
            [(Phase.CodePhase, Trigger.CodeFail)] = Phase.Regress,
            [(Phase.Build1, Trigger.BuildOk)] = Phase.TestPlan,
            [(Phase.TestPlan, Trigger.Tspec)] = Phase.TestBuild,
            [(Phase.TestBuild, Trigger.GtOk)] = Phase.Build2,
            [(Phase.TestBuild, Trigger.GtFail)] = Phase.Regress,
            [(Phase.Build2, Trigger.Build2Ok)] = Phase.Done,
        };
        foreach (var stage in new[] { Phase.Idle, Phase.PlanPhase, Phase.PlanReview, Phase.CodePhase, Phase.Build1, Phase.TestPlan, Phase.TestBuild, Phase.Build2 })
        {
            expected[(stage, Trigger.BuildFail)] = Phase.Regress;
            expected[(stage, Trigger.Cancel)] = Phase.Cancelled;
        }
        return expected;
    }

    public static TheoryData<Phase, Trigger> EveryStageAndTrigger()
    {
        var data = new TheoryData<Phase, Trigger>();
        foreach (var stage in Enum.GetValues<Phase>())
            foreach (var trigger in Enum.GetValues<Trigger>())
                data.Add(stage, trigger);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStageAndTrigger))]
    public void Every_trigger_in_every_stage_is_valid_exactly_when_the_issue_says_so(Phase stage, Trigger trigger)
    {
        var valid = TransitionTable.TryFire(stage, trigger, out var to);

        if (Expected.TryGetValue((stage, trigger), out var expectedTo))
        {
            Assert.True(valid, $"{trigger.Name()} should be valid in {stage.Name()}");
            Assert.Equal(expectedTo, to);
        }
        else
        {
            Assert.False(valid, $"{trigger.Name()} should be invalid in {stage.Name()}");
        }
    }

    [Fact]
    public void The_table_has_no_transition_beyond_the_issue()
    {
        Assert.Equal(Expected.Count, TransitionTable.All.Count);
        Assert.Equal(TransitionTable.All.Count, TransitionTable.All.Select(t => (t.From, t.Trigger)).Distinct().Count());
    }

    [Fact]
    public void Done_regress_and_cancelled_are_terminal_and_accept_nothing()
    {
        foreach (var terminal in new[] { Phase.Done, Phase.Regress, Phase.Cancelled })
        {
            Assert.True(TransitionTable.IsTerminal(terminal));
            Assert.DoesNotContain(TransitionTable.All, t => t.From == terminal);
        }
        Assert.All(TransitionTable.NonTerminalStages, stage => Assert.False(TransitionTable.IsTerminal(stage)));
    }

    [Fact]
    public void Every_stage_is_reachable_from_idle_and_every_non_terminal_stage_can_end()
    {
        var reachable = new HashSet<Phase> { Phase.Idle };
        var frontier = new Queue<Phase>([Phase.Idle]);
        while (frontier.TryDequeue(out var stage))
            foreach (var next in TransitionTable.All.Where(t => t.From == stage).Select(t => t.To))
                if (reachable.Add(next)) frontier.Enqueue(next);

        Assert.Equal(Enum.GetValues<Phase>().ToHashSet(), reachable);
        Assert.All(TransitionTable.NonTerminalStages, stage =>
            Assert.Contains(TransitionTable.All, t => t.From == stage && t.Trigger == Trigger.BuildFail && t.To == Phase.Regress));
    }

    [Fact]
    public void Stage_and_trigger_names_are_the_seeds_and_round_trip()
    {
        Assert.Equal(["idle", "plan_phase", "code_phase", "build1", "test_plan", "test_build", "build2", "done", "regress", "plan_review", "cancelled"],
            Enum.GetValues<Phase>().Select(p => p.Name()));
        foreach (var trigger in Enum.GetValues<Trigger>())
            Assert.Equal(trigger, WorkflowNames.ParseTrigger(trigger.Name()));
        foreach (var stage in Enum.GetValues<Phase>())
            Assert.Equal(stage, WorkflowNames.ParseStage(stage.Name()));
        Assert.False(WorkflowNames.TryParseStage("planning", out _));
    }
}
