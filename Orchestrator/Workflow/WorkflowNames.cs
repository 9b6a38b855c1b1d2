using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>The seed's snake_case names for stages and triggers: what the database, API and metrics show.</summary>
public static class WorkflowNames
{
    private static readonly Dictionary<Phase, string> StageNames = new()
    {
        [Phase.Idle] = "idle",
        [Phase.PlanPhase] = "plan_phase",
        [Phase.PlanReview] = "plan_review",
        [Phase.CodePhase] = "code_phase",
        [Phase.Build1] = "build1",
        [Phase.TestPlan] = "test_plan",
        [Phase.TestBuild] = "test_build",
        [Phase.Build2] = "build2",
        [Phase.Done] = "done",
        [Phase.Regress] = "regress",
        [Phase.Cancelled] = "cancelled",
    };

    private static readonly Dictionary<Trigger, string> TriggerNames = new()
    {
        [Trigger.Crq] = "crq",
        [Trigger.Plan] = "plan",
        [Trigger.PlanBlocked] = "plan_blocked",
        [Trigger.Resubmit] = "resubmit",
        [Trigger.PlanFail] = "plan_fail",
        [Trigger.TaskOk] = "task_ok",
        [Trigger.CodeOk] = "code_ok",
        [Trigger.CodeFail] = "code_fail",
        [Trigger.BuildOk] = "build_ok",
        [Trigger.Tspec] = "tspec",
        [Trigger.GtOk] = "gt_ok",
        [Trigger.GtFail] = "gt_fail",
        [Trigger.Build2Ok] = "build2_ok",
        [Trigger.BuildFail] = "build_fail",
        [Trigger.ReleaseFail] = "release_fail",
        [Trigger.Review] = "review",
        [Trigger.Approve] = "approve",
        [Trigger.Edit] = "edit",
        [Trigger.Reject] = "reject",
        [Trigger.Cancel] = "cancel",
    };

    private static readonly Dictionary<string, Phase> StagesByName =
        StageNames.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    private static readonly Dictionary<string, Trigger> TriggersByName =
        TriggerNames.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<Phase> Stages => StageNames.Keys;

    public static IReadOnlyCollection<string> StageNameList => StageNames.Values;

    public static string Name(this Phase stage) =>
        StageNames.TryGetValue(stage, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage.");

    public static string Name(this Trigger trigger) =>
        TriggerNames.TryGetValue(trigger, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "Unknown trigger.");

    public static bool TryParseStage(string? name, out Phase stage) => StagesByName.TryGetValue(name ?? "", out stage);

    public static Phase ParseStage(string name) =>
        TryParseStage(name, out var stage) ? stage : throw new FormatException($"'{name}' is not a stage name.");

    public static Trigger ParseTrigger(string name) =>
        TriggersByName.TryGetValue(name, out var trigger) ? trigger : throw new FormatException($"'{name}' is not a trigger name.");
}
