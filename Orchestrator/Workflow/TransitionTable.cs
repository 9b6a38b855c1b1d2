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
    public static IReadOnlyList<Phase> NonTerminalStages { get; } =
        [Phase.Idle, Phase.PlanPhase, Phase.PlanReview, Phase.CodePhase, Phase.Build1, Phase.TestPlan, Phase.TestBuild, Phase.Build2];

    public static IReadOnlyList<Phase> TerminalStages { get; } = [Phase.Done, Phase.Regress, Phase.Cancelled];

    public static IReadOnlyList<Transition> All { get; } = Build();

    private static readonly FrozenDictionary<(Phase, Trigger), Phase> Lookup =
        All.ToFrozenDictionary(t => (t.From, t.Trigger), t => t.To);

    public static bool IsTerminal(Phase stage) => stage is Phase.Done or Phase.Regress or Phase.Cancelled;

    /// <summary>The stage <paramref name="trigger"/> leads to from <paramref name="from"/>, or false when invalid there.</summary>
    public static bool TryFire(Phase from, Trigger trigger, out Phase to) => Lookup.TryGetValue((from, trigger), out to);

    private static List<Transition> Build()
    {
        List<Transition> table =
        [
            new(Phase.Idle, Trigger.Crq, Phase.PlanPhase),
            new(Phase.PlanPhase, Trigger.Plan, Phase.CodePhase),
            // A BLOCKED plan keeps the request in plan_phase until it is resubmitted.
            new(Phase.PlanPhase, Trigger.PlanBlocked, Phase.PlanPhase),
            new(Phase.PlanPhase, Trigger.Resubmit, Phase.PlanPhase),
            new(Phase.PlanPhase, Trigger.PlanFail, Phase.Regress),
            // The review gate: a READY plan waits for a person, who approves it, edits it (and reviews again) or rejects it.
            new(Phase.PlanPhase, Trigger.Review, Phase.PlanReview),
            new(Phase.PlanReview, Trigger.Approve, Phase.CodePhase),
            new(Phase.PlanReview, Trigger.Edit, Phase.PlanReview),
            new(Phase.PlanReview, Trigger.Reject, Phase.Regress),
            // One commit cleared one task; others are still pending.
            new(Phase.CodePhase, Trigger.TaskOk, Phase.CodePhase),
            new(Phase.CodePhase, Trigger.CodeOk, Phase.Build1),
            new(Phase.CodePhase, Trigger.CodeFail, Phase.Regress),
            new(Phase.Build1, Trigger.BuildOk, Phase.TestPlan),
            new(Phase.TestPlan, Trigger.Tspec, Phase.TestBuild),
            new(Phase.TestBuild, Trigger.GtOk, Phase.Build2),
            new(Phase.TestBuild, Trigger.GtFail, Phase.Regress),
            new(Phase.Build2, Trigger.Build2Ok, Phase.Done),
        ];
        // The seed: build_fail from any non-terminal stage regresses.
        table.AddRange(NonTerminalStages.Select(stage => new Transition(stage, Trigger.BuildFail, Phase.Regress)));
        // A person can end any request that has not ended.
        table.AddRange(NonTerminalStages.Select(stage => new Transition(stage, Trigger.Cancel, Phase.Cancelled)));
        return table;
    }
}
