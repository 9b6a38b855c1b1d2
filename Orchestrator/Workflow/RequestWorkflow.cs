using System.Security.Cryptography;
using System.Text;
using Contracts;
using Contracts.Core;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Orchestrator.Workflow;

/// <summary>
/// The decision layer: given a request's current state and one input, decides the new state, the
/// timeline entries and the messages to publish. Pure apart from reading the clock, so every rule of
/// the issue is unit-testable; persistence applies a <see cref="Decision"/> in one transaction.
/// </summary>
public sealed class RequestWorkflow(WorkflowOptions options, TimeProvider time)
{
    /// <summary>Decides what one pipeline message does to its request (<paramref name="current"/> null when unknown).</summary>
    public Decision Decide(RequestState? current, IMessage message, MessageSource source)
    {
        if (message is ChangeRequest request) return OnChangeRequest(current, request, source);
        // A plan is checked before it is parked or applied: another agent's output is input to us.
        var planProblems = message is Plan checkedPlan ? PlanRules.Validate(checkedPlan) : [];
        var invalidPlan = planProblems.Count > 0 ? $"plan {((Plan)message).Id} is invalid: {string.Join("; ", planProblems)}" : null;
        if (current is null) return invalidPlan is null ? Decision.UnknownRequest : throw new InvalidMessageException(invalidPlan);
        var builder = new Builder(this, current, source, created: false);
        switch (message)
        {
            case Plan when invalidPlan is not null: builder.Refuse(Trigger.Plan, invalidPlan); break;
            case Plan plan: OnPlan(builder, plan); break;
            case CommitResult commit: OnCommit(builder, commit); break;
            case BuildReport report: OnBuildReport(builder, report); break;
            case TestSpec spec: OnTestSpec(builder, spec); break;
            case GeneratedTests tests: OnGeneratedTests(builder, tests); break;
            default:
                // DeepPlan, TaskBundle, RegressionTicket: what we (or others) publish; no trigger.
                return Decision.Nothing(current);
        }
        return builder.Build();
    }

    /// <summary>
    /// Submits a BLOCKED request again (its back-off elapsed, or a request it conflicted with ended).
    /// Does nothing unless the request is still waiting in plan_phase.
    /// </summary>
    public Decision Resubmit(RequestState current, string reason, MessageSource source)
    {
        if (!IsWaitingToResubmit(current)) return Decision.Nothing(current);
        var attempt = current.Attempts + 1;
        var builder = new Builder(this, current, source, created: false);
        builder.State = current with { Attempts = attempt, ResubmitAt = null, BlockedBy = [] };
        builder.Fire(Trigger.Resubmit, $"attempt {attempt}: {reason}");
        builder.Publish(Topics.ChangeRequestIn, builder.State.ToChangeRequest(attempt));
        return builder.Build();
    }

    /// <summary>A person ends the request, from any stage that has not ended; its plan's leases are released.</summary>
    public Decision Cancel(RequestState current, string reason, MessageSource source)
    {
        var builder = new Builder(this, current, source, created: false);
        builder.State = current with { ResubmitAt = null, BlockedBy = [] };
        builder.Fire(Trigger.Cancel, reason);
        return builder.Build();
    }

    /// <summary>A person approves the plan under review: the request goes to code_phase with that plan's tasks.</summary>
    public Decision Approve(RequestState current, string detail, MessageSource source)
    {
        var builder = new Builder(this, current, source, created: false);
        if (current.Stage != Stage.PlanReview || current.Plan is null)
        {
            builder.Ignore(Trigger.Approve, $"not valid in {current.Stage.Name()}: there is no plan under review");
            return builder.Build();
        }
        StartCoding(builder, current.Plan, Trigger.Approve, $"plan {current.Plan.Id} approved with {current.Plan.Steps.Count} step(s) {detail}".TrimEnd());
        return builder.Build();
    }

    /// <summary>A person replaces the plan under review with <paramref name="edited"/> (validated and re-reserved by the caller).</summary>
    public Decision Edit(RequestState current, Plan edited, string detail, MessageSource source)
    {
        var builder = new Builder(this, current, source, created: false);
        if (current.Stage != Stage.PlanReview)
        {
            builder.Ignore(Trigger.Edit, $"not valid in {current.Stage.Name()}: there is no plan under review");
            return builder.Build();
        }
        builder.State = current with { Plan = edited.Clone(), PendingTasks = TaskIds(edited) };
        builder.Fire(Trigger.Edit, detail);
        return builder.Build();
    }

    /// <summary>A person rejects the plan under review: the request regresses and the plan's leases are released.</summary>
    public Decision Reject(RequestState current, string reason, MessageSource source)
    {
        var builder = new Builder(this, current, source, created: false);
        builder.Fire(Trigger.Reject, reason);
        return builder.Build();
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private int MaxDetailLength => options.MaxDetailLength;

    /// <summary>True while a BLOCKED request waits in plan_phase to be submitted again.</summary>
    public static bool IsWaitingToResubmit(RequestState state) => state.Stage == Stage.PlanPhase && state.ResubmitAt is not null;

    private Decision OnChangeRequest(RequestState? current, ChangeRequest request, MessageSource source)
    {
        var errors = ChangeRequestRules.Validate(request);
        if (errors.Count > 0) throw new InvalidMessageException("Invalid change request: " + ChangeRequestRules.Describe(errors));

        var created = current is null;
        var builder = new Builder(this, current ?? RequestState.New(request, time.GetUtcNow()), source, created);
        if (builder.State.Stage != Stage.Idle)
        {
            builder.Ignore(Trigger.Crq, $"request already submitted (attempt {builder.State.Attempts})");
            return builder.Build();
        }
        if (builder.Fire(Trigger.Crq, $"submitted by {request.Requester} for {request.Repo}@{request.Branch}"))
        {
            builder.Publish(Topics.DeepPlanIn, DeepPlanOf(request));
        }
        return builder.Build();
    }

    private void OnPlan(Builder builder, Plan plan)
    {
        var status = plan.Status == PlanStatus.Unspecified
            ? (plan.Steps.Count > 0 ? PlanStatus.Ready : PlanStatus.Failed) // seed-era plans carry no status
            : plan.Status;
        var state = builder.State;
        if (TransitionTable.IsTerminal(state.Stage) && status != PlanStatus.Failed && plan.Id.Length > 0 && plan.ReservedLeaseIds.Count > 0)
        {
            // E.g. cancelled while the planner worked: the leases it reserved afterwards must not wait for their TTL.
            builder.Ignore(Trigger.Plan, $"request already {state.Stage.Name()}: plan {plan.Id} arrived late; its {plan.ReservedLeaseIds.Count} lease(s) are released");
            builder.Release(plan.Id);
            return;
        }
        switch (status)
        {
            case PlanStatus.Ready:
                if (state.Stage != Stage.PlanPhase)
                {
                    builder.Fire(Trigger.Plan, $"plan {plan.Id}");
                    return;
                }
                if (state.Review)
                {
                    builder.State = state with
                    {
                        PlanId = plan.Id, Plan = plan.Clone(), PendingTasks = TaskIds(plan), ResubmitAt = null, BlockedBy = [],
                    };
                    builder.Fire(Trigger.Review, $"plan {plan.Id} ready with {plan.Steps.Count} step(s) by {Label(plan.Planner)}; waiting for review");
                    return;
                }
                StartCoding(builder, plan, Trigger.Plan, $"plan {plan.Id} ready with {plan.Steps.Count} step(s) by {Label(plan.Planner)}");
                return;

            case PlanStatus.Blocked:
                if (IsWaitingToResubmit(state))
                {
                    builder.Ignore(Trigger.PlanBlocked, $"already waiting to resubmit attempt {state.Attempts + 1}");
                    return;
                }
                var conflicts = DescribeConflicts(plan);
                if (state.Stage == Stage.PlanPhase && state.Attempts >= options.MaxPlanAttempts)
                {
                    builder.State = state with { PlanId = NullIfEmpty(plan.Id) ?? state.PlanId };
                    builder.Fire(Trigger.PlanFail, $"blocked after {state.Attempts} attempt(s) by {conflicts}");
                    return;
                }
                if (state.Stage == Stage.PlanPhase)
                {
                    var waitUntil = ResubmitTime(plan, state.Attempts);
                    builder.State = state with
                    {
                        PlanId = NullIfEmpty(plan.Id) ?? state.PlanId, ResubmitAt = waitUntil,
                        BlockedBy = plan.Conflicts.Select(c => c.HolderPlanId).Where(id => id.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList(),
                    };
                    builder.Fire(Trigger.PlanBlocked, $"attempt {state.Attempts} blocked by {conflicts}; resubmitting when they end or at {waitUntil:O}");
                    return;
                }
                builder.Fire(Trigger.PlanBlocked, $"plan {plan.Id} blocked by {conflicts}");
                return;

            default:
                if (state.Stage == Stage.PlanPhase) builder.State = state with { PlanId = NullIfEmpty(plan.Id) ?? state.PlanId };
                var reasons = plan.Errors.Count > 0 ? string.Join("; ", plan.Errors)
                    : plan.Rationale.Count > 0 ? string.Join("; ", plan.Rationale)
                    : "the planner gave no reason";
                builder.Fire(Trigger.PlanFail, $"plan {plan.Id} failed: {reasons}");
                return;
        }
    }

    /// <summary>
    /// When every conflicting lease names its expiry, the request waits for the last one to end (an observed
    /// release wakes it earlier): re-planning before then would only be blocked again. Otherwise, capped
    /// exponential back-off.
    /// </summary>
    private DateTimeOffset ResubmitTime(Plan plan, int attempts)
    {
        var now = time.GetUtcNow();
        if (plan.Conflicts.Count == 0 || plan.Conflicts.Any(c => c.ExpiresAt is null)) return now + options.BackoffFor(attempts);
        var ended = plan.Conflicts.Max(c => c.ExpiresAt.ToDateTimeOffset()) + options.LeaseExpiryMargin;
        if (ended <= now) return now + options.BackoffFor(attempts); // expired already: a clock apart from Srm's, or renewed since
        var latest = now + options.MaxResubmitBackoff;
        return ended < latest ? ended : latest;
    }

    /// <summary>Moves the request to code_phase with <paramref name="plan"/>'s steps as tasks, published on code.task.out.</summary>
    private static void StartCoding(Builder builder, Plan plan, Trigger trigger, string detail)
    {
        var state = builder.State;
        var tasks = plan.Steps.Select((step, index) => new CodeTask { TaskId = TaskId(plan, index), Step = step.Clone() }).ToList();
        builder.State = state with { PlanId = plan.Id, Plan = plan.Clone(), PendingTasks = TaskIds(plan), ResubmitAt = null, BlockedBy = [] };
        if (!builder.Fire(trigger, detail)) return;
        builder.Correlate(CorrelationKind.Plan, plan.Id);
        foreach (var task in tasks) builder.Correlate(CorrelationKind.Task, task.TaskId);
        var bundle = new TaskBundle { PlanId = plan.Id, RequestId = state.Id, Repo = state.Repo, Branch = state.Branch };
        bundle.TaskIds.AddRange(tasks.Select(t => t.TaskId));
        bundle.Tasks.AddRange(tasks);
        builder.Publish(Topics.CodeTaskOut, bundle);
        if (tasks.Count == 0) builder.Fire(Trigger.CodeOk, "the plan has no steps: nothing to code");
    }

    private static List<string> TaskIds(Plan plan) =>
        plan.Steps.Select((_, index) => TaskId(plan, index)).Order(StringComparer.Ordinal).ToList();

    private static void OnCommit(Builder builder, CommitResult commit)
    {
        var state = builder.State;
        switch (commit.KnownStatus)
        {
            case null:
                builder.Refuse(Trigger.TaskOk, $"commit for task {commit.TaskId} has status {Quote(commit.Status)}, not one of {SeedStrings.Allowed<CommitStatus>()}");
                return;
            case CommitStatus.Failure:
                builder.Fire(Trigger.CodeFail, $"commit for task {commit.TaskId} failed: {commit.Message}");
                return;
        }
        if (state.Stage != Stage.CodePhase)
        {
            builder.Fire(Trigger.TaskOk, $"task {commit.TaskId} committed {commit.CommitSha}");
            return;
        }
        if (!state.PendingTasks.Contains(commit.TaskId, StringComparer.Ordinal))
        {
            builder.Ignore(Trigger.TaskOk, $"task {commit.TaskId} is not pending (unknown or already committed)");
            return;
        }
        builder.Correlate(CorrelationKind.Commit, commit.CommitSha);
        var pending = state.PendingTasks.Where(id => id != commit.TaskId).ToList();
        builder.State = state with { PendingTasks = pending };
        if (pending.Count == 0)
            builder.Fire(Trigger.CodeOk, $"task {commit.TaskId} committed {commit.CommitSha}; all tasks committed");
        else
            builder.Fire(Trigger.TaskOk, $"task {commit.TaskId} committed {commit.CommitSha}; {pending.Count} pending");
    }

    private static void OnBuildReport(Builder builder, BuildReport report)
    {
        var build = report.BuildId.Length > 0 ? $"build {report.BuildId}" : $"build of {report.CommitSha}";
        var passed = builder.State.Stage == Stage.Build2 ? Trigger.Build2Ok : Trigger.BuildOk;
        switch (report.KnownStatus)
        {
            case CheckStatus.Passed:
                builder.Fire(passed, $"{build} passed");
                break;
            case CheckStatus.Failed:
                builder.Fire(Trigger.BuildFail, $"{build} failed: {report.Log}");
                break;
            default:
                builder.Refuse(passed, $"{build} has status {Quote(report.Status)}, not one of {SeedStrings.Allowed<CheckStatus>()}");
                break;
        }
    }

    private static void OnTestSpec(Builder builder, TestSpec spec)
    {
        if (builder.Fire(Trigger.Tspec, $"test spec {spec.Id} for {spec.ParentCommitSha} with {spec.Cases.Count} case(s)"))
            builder.Correlate(CorrelationKind.Spec, spec.Id);
    }

    private static void OnGeneratedTests(Builder builder, GeneratedTests tests)
    {
        switch (tests.KnownPrecheck)
        {
            case CheckStatus.Passed:
                if (builder.Fire(Trigger.GtOk, $"{tests.Files.Count} generated test file(s) of spec {tests.SpecId} passed the precheck"))
                    builder.Correlate(CorrelationKind.Commit, tests.CommitSha);
                break;
            case CheckStatus.Failed:
                builder.Fire(Trigger.GtFail, $"generated tests of spec {tests.SpecId} failed the precheck: {tests.Message}");
                break;
            default:
                builder.Refuse(Trigger.GtOk, $"generated tests of spec {tests.SpecId} have precheck {Quote(tests.Precheck)}, not one of {SeedStrings.Allowed<CheckStatus>()}");
                break;
        }
    }

    private static string Quote(string text) => text.Length <= 40 ? $"\"{text}\"" : $"\"{text[..40]}…\"";

    /// <summary>The seed forwards the change request itself, so the deep plan's id is the request's.</summary>
    private static DeepPlan DeepPlanOf(ChangeRequest request)
    {
        var deepPlan = new DeepPlan { Id = request.Id, RequestId = request.Id, Request = request.Clone() };
        deepPlan.Phases.Add(PhaseGoals.Select(goal => new Phase { Id = goal.Stage.Name(), Goal = goal.Goal }));
        deepPlan.Phases[0].Goal += $": {request.Description}";
        return deepPlan;
    }

    private static readonly (Stage Stage, string Goal)[] PhaseGoals =
    [
        (Stage.PlanPhase, "plan the change"),
        (Stage.CodePhase, "commit every step of the plan"),
        (Stage.Build1, "build the commits"),
        (Stage.TestPlan, "specify the tests of the change"),
        (Stage.TestBuild, "generate the tests and precheck them"),
        (Stage.Build2, "build with the generated tests"),
    ];

    private static string TaskId(Plan plan, int index) => $"{plan.Id}/task-{index + 1}";

    private static string Label(string planner) => planner.Length > 0 ? planner : "an unnamed planner";

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;

    private static string DescribeConflicts(Plan plan)
    {
        if (plan.Conflicts.Count == 0)
            return plan.Errors.Count > 0 ? string.Join("; ", plan.Errors) : "unnamed conflicts";
        return string.Join(", ", plan.Conflicts.Select(c =>
            $"{c.FqName} held by plan {c.HolderPlanId} (lease {c.HolderLeaseId}" +
            (c.ExpiresAt is null ? ")" : $", until {c.ExpiresAt.ToDateTimeOffset():O})")));
    }

    /// <summary>Accumulates one decision: applies table transitions, records ignored triggers, collects outbox messages.</summary>
    private sealed class Builder(RequestWorkflow workflow, RequestState state, MessageSource source, bool created)
    {
        private readonly DateTimeOffset now = workflow.Now;
        private readonly int maxDetailLength = workflow.MaxDetailLength;
        private readonly List<HistoryEntry> history = [];
        private readonly List<OutboundMessage> outbox = [];
        private bool ended;
        private string? refusal;
        private readonly List<Correlation> correlations = [];
        private string? releasePlanId;

        public RequestState State { get; set; } = state;

        /// <summary>Applies <paramref name="trigger"/> when the table allows it in the current stage; records it either way.</summary>
        public bool Fire(Trigger trigger, string detail)
        {
            var from = State.Stage;
            if (!TransitionTable.TryFire(from, trigger, out var to))
            {
                Ignore(trigger, $"not valid in {from.Name()}: {detail}");
                return false;
            }
            detail = Truncate(detail);
            State = State with { Stage = to, UpdatedAt = now };
            history.Add(new HistoryEntry(now, trigger, from, to, Applied: true, detail, source));
            if (to == Stage.Regress)
            {
                // A request regresses at most once, so its id names its ticket too.
                Publish(Topics.RegressionOut, new RegressionTicket
                {
                    Id = State.Id, Summary = $"{from.Name()}: {detail}",
                    RequestId = State.Id, Stage = from, SourceTopic = source.Topic, RaisedAt = Timestamp.FromDateTimeOffset(now),
                });
            }
            if (TransitionTable.IsTerminal(to)) ended = true;
            return true;
        }

        public void Ignore(Trigger trigger, string detail) =>
            history.Add(new HistoryEntry(now, trigger, State.Stage, State.Stage, Applied: false, Truncate(detail), source));

        /// <summary>Records why the input is invalid on the timeline; the input is then dead-lettered.</summary>
        public void Refuse(Trigger trigger, string reason)
        {
            refusal = Truncate(reason);
            Ignore(trigger, "rejected: " + reason);
        }

        public void Publish(string topic, IMessage message) =>
            outbox.Add(new OutboundMessage(topic, State.Id, message, DerivedMessageId(source.MessageId, outbox.Count)));

        /// <summary>Releases <paramref name="planId"/>'s leases although the request does not end with this input.</summary>
        public void Release(string planId) => releasePlanId = planId;

        public Decision Build() => new(State, history, outbox, created, ended, releasePlanId ?? (ended ? State.PlanId : null),
            correlations, refusal);

        /// <summary>Remembers that <paramref name="value"/> (a seed id) belongs to this request.</summary>
        public void Correlate(CorrelationKind kind, string value)
        {
            if (value.Length > 0) correlations.Add(new Correlation(kind, value));
        }

        private string Truncate(string text) =>
            text.Length <= maxDetailLength ? text : text[..maxDetailLength] + "…";
    }

    /// <summary>Outbound ids derive from the input's id, so deciding the same input twice yields the same ids.</summary>
    private static string DerivedMessageId(string sourceMessageId, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceMessageId}\n{index}"));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
