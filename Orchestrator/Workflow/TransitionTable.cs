using System.Collections.Frozen;
using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>
/// The per-request state machine as data, so tests (and the web page) can enumerate it. Any
/// (stage, trigger) pair not listed here is invalid: it is recorded and ignored, never thrown.
/// </summary>
public static class TransitionTable
{
    /// <summary>Stages of the happy path in order (plan_review only when the plan is reviewed); done, regress and cancelled are terminal.</summary>
    public static IReadOnlyList<Stage> NonTerminalStages { get; } =
        [Stage.Idle, Stage.PlanPhase, Stage.PlanReview, Stage.CodePhase, Stage.Build1, Stage.TestPlan, Stage.TestBuild, Stage.Build2];

    public static IReadOnlyList<Stage> TerminalStages { get; } = [Stage.Done, Stage.Regress, Stage.Cancelled];

    public static IReadOnlyList<Transition> All { get; } = Build();

    private static readonly FrozenDictionary<(Stage, Trigger), Stage> Lookup =
        All.ToFrozenDictionary(t => (t.From, t.Trigger), t => t.To);

    public static bool IsTerminal(Stage stage) => stage is Stage.Done or Stage.Regress or Stage.Cancelled;

    /// <summary>The stage <paramref name="trigger"/> leads to from <paramref name="from"/>, or false when invalid there.</summary>
    public static bool TryFire(Stage from, Trigger trigger, out Stage to) => Lookup.TryGetValue((from, trigger), out to);

    private static List<Transition> Build()
    {
        List<Transition> table =
        [
            new(Stage.Idle, Trigger.Crq, Stage.PlanPhase),
            new(Stage.PlanPhase, Trigger.Plan, Stage.CodePhase),
            // A BLOCKED plan keeps the request in plan_phase until it is resubmitted.
            new(Stage.PlanPhase, Trigger.PlanBlocked, Stage.PlanPhase),
            new(Stage.PlanPhase, Trigger.Resubmit, Stage.PlanPhase),
            new(Stage.PlanPhase, Trigger.PlanFail, Stage.Regress),
            // The review gate: a READY plan waits for a person, who approves it, edits it (and reviews again) or rejects it.
            new(Stage.PlanPhase, Trigger.Review, Stage.PlanReview),
            new(Stage.PlanReview, Trigger.Approve, Stage.CodePhase),
            new(Stage.PlanReview, Trigger.Edit, Stage.PlanReview),
            new(Stage.PlanReview, Trigger.Reject, Stage.Regress),
            // One commit cleared one task; others are still pending.
            new(Stage.CodePhase, Trigger.TaskOk, Stage.CodePhase),
            new(Stage.CodePhase, Trigger.CodeOk, Stage.Build1),
            new(Stage.CodePhase, Trigger.CodeFail, Stage.Regress),
            new(Stage.Build1, Trigger.BuildOk, Stage.TestPlan),
            new(Stage.TestPlan, Trigger.Tspec, Stage.TestBuild),
            new(Stage.TestBuild, Trigger.GtOk, Stage.Build2),
            new(Stage.TestBuild, Trigger.GtFail, Stage.Regress),
            new(Stage.Build2, Trigger.Build2Ok, Stage.Done),
        ];
        // The seed: build_fail from any non-terminal stage regresses.
        table.AddRange(NonTerminalStages.Select(stage => new Transition(stage, Trigger.BuildFail, Stage.Regress)));
        // A person can end any request that has not ended.
        table.AddRange(NonTerminalStages.Select(stage => new Transition(stage, Trigger.Cancel, Stage.Cancelled)));
        return table;
    }
}
