using Contracts.Core;
using Orchestrator.Workflow;

namespace Tests.Orchestrator;

public sealed class TransitionTableTests
{
    /// <summary>The issue's transitions, written out independently of the production table.</summary>
    private static readonly Dictionary<(Stage, Trigger), Stage> Expected = BuildExpected();

    private static Dictionary<(Stage, Trigger), Stage> BuildExpected()
    {
        var expected = new Dictionary<(Stage, Trigger), Stage>
        {
            [(Stage.Idle, Trigger.Crq)] = Stage.PlanPhase,
            [(Stage.PlanPhase, Trigger.Plan)] = Stage.CodePhase,
            [(Stage.PlanPhase, Trigger.PlanBlocked)] = Stage.PlanPhase,
            [(Stage.PlanPhase, Trigger.Resubmit)] = Stage.PlanPhase,
            [(Stage.PlanPhase, Trigger.PlanFail)] = Stage.Regress,
            [(Stage.PlanPhase, Trigger.Review)] = Stage.PlanReview,
            [(Stage.PlanReview, Trigger.Approve)] = Stage.CodePhase,
            [(Stage.PlanReview, Trigger.Edit)] = Stage.PlanReview,
            [(Stage.PlanReview, Trigger.Reject)] = Stage.Regress,
            [(Stage.CodePhase, Trigger.TaskOk)] = Stage.CodePhase,
            [(Stage.CodePhase, Trigger.CodeOk)] = Stage.Build1,
            [(Stage.CodePhase, Trigger.CodeFail)] = Stage.Regress,
            [(Stage.Build1, Trigger.BuildOk)] = Stage.TestPlan,
            [(Stage.TestPlan, Trigger.Tspec)] = Stage.TestBuild,
            [(Stage.TestBuild, Trigger.GtOk)] = Stage.Build2,
            [(Stage.TestBuild, Trigger.GtFail)] = Stage.Regress,
            [(Stage.Build2, Trigger.Build2Ok)] = Stage.Done,
        };
        foreach (var stage in new[] { Stage.Idle, Stage.PlanPhase, Stage.PlanReview, Stage.CodePhase, Stage.Build1, Stage.TestPlan, Stage.TestBuild, Stage.Build2 })
        {
            expected[(stage, Trigger.BuildFail)] = Stage.Regress;
            expected[(stage, Trigger.Cancel)] = Stage.Cancelled;
        }
        return expected;
    }

    public static TheoryData<Stage, Trigger> EveryStageAndTrigger()
    {
        var data = new TheoryData<Stage, Trigger>();
        foreach (var stage in Enum.GetValues<Stage>())
            foreach (var trigger in Enum.GetValues<Trigger>())
                data.Add(stage, trigger);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStageAndTrigger))]
    public void Every_trigger_in_every_stage_is_valid_exactly_when_the_issue_says_so(Stage stage, Trigger trigger)
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
        foreach (var terminal in new[] { Stage.Done, Stage.Regress, Stage.Cancelled })
        {
            Assert.True(TransitionTable.IsTerminal(terminal));
            Assert.DoesNotContain(TransitionTable.All, t => t.From == terminal);
        }
        Assert.All(TransitionTable.NonTerminalStages, stage => Assert.False(TransitionTable.IsTerminal(stage)));
    }

    [Fact]
    public void Every_stage_is_reachable_from_idle_and_every_non_terminal_stage_can_end()
    {
        var reachable = new HashSet<Stage> { Stage.Idle };
        var frontier = new Queue<Stage>([Stage.Idle]);
        while (frontier.TryDequeue(out var stage))
            foreach (var next in TransitionTable.All.Where(t => t.From == stage).Select(t => t.To))
                if (reachable.Add(next)) frontier.Enqueue(next);

        Assert.Equal(Enum.GetValues<Stage>().ToHashSet(), reachable);
        Assert.All(TransitionTable.NonTerminalStages, stage =>
            Assert.Contains(TransitionTable.All, t => t.From == stage && t.Trigger == Trigger.BuildFail && t.To == Stage.Regress));
    }

    [Fact]
    public void Stage_and_trigger_names_are_the_seeds_and_round_trip()
    {
        Assert.Equal(["idle", "plan_phase", "code_phase", "build1", "test_plan", "test_build", "build2", "done", "regress", "plan_review", "cancelled"],
            Enum.GetValues<Stage>().Select(p => p.Name()));
        foreach (var trigger in Enum.GetValues<Trigger>())
            Assert.Equal(trigger, WorkflowNames.ParseTrigger(trigger.Name()));
        foreach (var stage in Enum.GetValues<Stage>())
            Assert.Equal(stage, WorkflowNames.ParseStage(stage.Name()));
        Assert.False(WorkflowNames.TryParseStage("planning", out _));
    }
}
