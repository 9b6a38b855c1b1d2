using Contracts.Core;
using Google.Protobuf;
using Orchestrator.Workflow;

namespace Tests.Orchestrator;

/// <summary>Stand-in messages of the later phases (code, build, test agents) for one request.</summary>
public static class WorkflowMessages
{
    public static ChangeRequest Request(string id, int attempt = 1) => new()
    {
        Id = id, Repo = "https://example.test/app.git", Branch = "main", Description = "add greet() and call it from main",
        Requester = "tester", Attempt = attempt,
    };

    /// <summary>The plan id the planner derives for a request (the Orchestrator refuses any other).</summary>
    public static string PlanIdOf(string requestId) => PlanIdentity.ForRequest(requestId);

    public static Plan ReadyPlan(string requestId, int steps = 2)
    {
        var plan = new Plan { Id = PlanIdOf(requestId), ParentRequestId = requestId, Status = PlanStatus.Ready, Planner = "test" };
        for (var i = 0; i < steps; i++)
            plan.Steps.Add(new Step { Order = i + 1, Goal = $"step {i + 1}", Kind = "EDIT", Path = $"src/file{i}.cs" });
        plan.ReservedLeaseIds.Add("41");
        return plan;
    }

    public static Plan FailedPlan(string requestId, params string[] errors)
    {
        var plan = new Plan { Id = PlanIdOf(requestId), ParentRequestId = requestId, Status = PlanStatus.Failed };
        plan.Errors.AddRange(errors);
        return plan;
    }

    public static Plan BlockedPlan(string requestId, string holderPlanId)
    {
        var plan = new Plan { Id = PlanIdOf(requestId), ParentRequestId = requestId, Status = PlanStatus.Blocked };
        plan.Conflicts.Add(new SymbolConflict { FqName = "App.Program.Main", HolderPlanId = holderPlanId, HolderLeaseId = 7 });
        return plan;
    }

    public static string TaskId(string requestId, int step) => $"{PlanIdOf(requestId)}/task-{step}";

    public static CommitResult Commit(string requestId, int step, bool success = true) => new()
    {
        RequestId = requestId, TaskId = TaskId(requestId, step), CommitSha = $"sha{step}",
        Status = success ? "SUCCESS" : "FAILURE",
        Message = success ? "ok" : "merge conflict",
    };

    public static BuildReport Build(string requestId, bool passed = true, string buildId = "b1") => new()
    {
        RequestId = requestId, BuildId = buildId,
        Status = passed ? "PASSED" : "FAILED",
        Log = passed ? "" : "error CS0103: The name 'greet' does not exist",
    };

    public static TestSpec Spec(string requestId) => new() { RequestId = requestId, Cases = { "greet returns hello" } };

    public static GeneratedTests Generated(string requestId, bool passed = true) => new()
    {
        RequestId = requestId, Files = { "tests/GreetTests.cs" },
        Precheck = passed ? "PASSED" : "FAILED",
        Message = passed ? "" : "test does not compile",
    };

    /// <summary>The messages that take a one-step request from submission to done, in pipeline order.</summary>
    public static IReadOnlyList<IMessage> HappyPath(string requestId) =>
    [
        Request(requestId), ReadyPlan(requestId, steps: 1), Commit(requestId, 1), Build(requestId, buildId: "b1"),
        Spec(requestId), Generated(requestId), Build(requestId, buildId: "b2"),
    ];

    /// <summary>A message whose trigger in the given stage is <paramref name="trigger"/> (for table-driven tests).</summary>
    public static IMessage ForTrigger(Trigger trigger, string requestId, Stage stage) => trigger switch
    {
        Trigger.Crq => Request(requestId),
        Trigger.Plan or Trigger.Review => ReadyPlan(requestId),
        Trigger.PlanBlocked => BlockedPlan(requestId, "plan-other"),
        Trigger.PlanFail => FailedPlan(requestId, "no such file"),
        Trigger.TaskOk or Trigger.CodeOk => Commit(requestId, 1),
        Trigger.CodeFail => Commit(requestId, 1, success: false),
        Trigger.BuildOk or Trigger.Build2Ok => Build(requestId),
        Trigger.Tspec => Spec(requestId),
        Trigger.GtOk => Generated(requestId),
        Trigger.GtFail => Generated(requestId, passed: false),
        Trigger.BuildFail => Build(requestId, passed: false),
        _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, $"no message fires it directly (stage {stage})"),
    };
}
