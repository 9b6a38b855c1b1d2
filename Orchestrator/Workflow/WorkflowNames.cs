using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>The seed's snake_case names for stages and triggers: what the database, API and metrics show.</summary>
public static class WorkflowNames
{
    private static readonly Dictionary<Stage, string> StageNames = new()
    {
        [Stage.Idle] = "idle",
        [Stage.PlanPhase] = "plan_phase",
        [Stage.PlanReview] = "plan_review",
        [Stage.CodePhase] = "code_phase",
        [Stage.Build1] = "build1",
        [Stage.TestPlan] = "test_plan",
        [Stage.TestBuild] = "test_build",
        [Stage.Build2] = "build2",
        [Stage.Done] = "done",
        [Stage.Regress] = "regress",
        [Stage.Cancelled] = "cancelled",
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
        [Trigger.Index] = "index",
        [Trigger.Review] = "review",
        [Trigger.Approve] = "approve",
        [Trigger.Edit] = "edit",
        [Trigger.Reject] = "reject",
        [Trigger.Cancel] = "cancel",
    };

    private static readonly Dictionary<string, Stage> StagesByName =
        StageNames.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    private static readonly Dictionary<string, Trigger> TriggersByName =
        TriggerNames.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<Stage> Stages => StageNames.Keys;

    public static IReadOnlyCollection<string> StageNameList => StageNames.Values;

    public static string Name(this Stage stage) =>
        StageNames.TryGetValue(stage, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage.");

    public static string Name(this Trigger trigger) =>
        TriggerNames.TryGetValue(trigger, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "Unknown trigger.");

    public static bool TryParseStage(string? name, out Stage stage) => StagesByName.TryGetValue(name ?? "", out stage);

    public static Stage ParseStage(string name) =>
        TryParseStage(name, out var stage) ? stage : throw new FormatException($"'{name}' is not a stage name.");

    public static Trigger ParseTrigger(string name) =>
        TriggersByName.TryGetValue(name, out var trigger) ? trigger : throw new FormatException($"'{name}' is not a trigger name.");
}
