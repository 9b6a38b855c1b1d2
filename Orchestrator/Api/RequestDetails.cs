using Contracts;
using Contracts.Core;
using Microsoft.Extensions.Options;
using Orchestrator.Leases;
using Orchestrator.Persistence;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>
/// Composes a request's detail view: its state, timeline and tickets (Postgres), its plan's live leases mapped to the
/// steps' symbols (Srm, when reachable), what it waits for, and what a person can do with it now.
/// </summary>
public sealed class RequestDetails(RequestQueries queries, IPlanLeases leases, IOptions<WorkflowOptions> workflow, TimeProvider time,
    ILogger<RequestDetails> logger)
{
    public async Task<RequestDetailsView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var state = await queries.GetAsync(id, cancellationToken);
        if (state is null) return null;

        var timeline = await queries.TimelineAsync(id, 0, cancellationToken);
        var tickets = await queries.TicketsAsync(id, cancellationToken);
        var release = await queries.LeaseReleaseAsync(state.PlanId, cancellationToken);
        var releaseState = release switch
        {
            null when TransitionTable.IsTerminal(state.Stage) => "none",
            null => "held",
            { ReleasedAt: not null } => "released",
            { GaveUpAt: not null } => "gave_up",
            _ => "releasing",
        };
        var (live, lookupError) = await LiveLeasesAsync(state, releaseState, cancellationToken);
        var leaseView = new LeasesView(state.PlanId, state.Plan?.ReservedLeaseIds.ToList() ?? [], releaseState, release?.ReleasedCount,
            release?.Attempts ?? 0, release?.LastError, live, lookupError);
        return new RequestDetailsView(state.Id, state.Stage.Name(), state.Repo, state.Branch, state.Description, state.Requester,
            state.Attempts, state.Review, state.RetryOf, state.CreatedAt, state.UpdatedAt, state.PendingTasks, state.ResubmitAt, state.BlockedBy,
            PlanView.Of(state.Plan, live ?? []), leaseView, await WaitingAsync(state, cancellationToken), Actions(state),
            tickets.Select(TicketView.Of).ToList(), timeline.Select(TimelineView.Of).ToList());
    }

    public static IReadOnlyList<string> Actions(RequestState state) => state.Stage switch
    {
        Stage.PlanReview => ["approve", "edit", "reject", "cancel"],
        Stage.Regress or Stage.Cancelled => ["retry"],
        Stage.Done => [],
        _ => ["cancel"],
    };

    private async Task<(IReadOnlyList<LeaseView>?, string?)> LiveLeasesAsync(RequestState state, string release, CancellationToken cancellationToken)
    {
        if (state.PlanId is null || state.Plan is null || release == "released") return ([], null);
        try
        {
            var listed = await leases.ListAsync(state.PlanId, cancellationToken);
            return (listed.Select(l => new LeaseView(l.LeaseId, l.FqName, l.FilePath, l.PlanId, l.ExpiresAt?.ToDateTimeOffset(), l.Expired)).ToList(), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Listing the leases of plan {PlanId} failed: {Error}", state.PlanId, ex.Message);
            return (null, $"Srm could not be asked for the leases: {ex.Message}");
        }
    }

    private async Task<WaitingView?> WaitingAsync(RequestState state, CancellationToken cancellationToken)
    {
        switch (state.Stage)
        {
            case Stage.PlanPhase when state.ResubmitAt is { } at:
                return new WaitingView("its turn", Topics.ChangeRequestIn, false, $"blocked by plan(s) {string.Join(", ", state.BlockedBy)}; resubmitted when they end or at {at:O}");
            case Stage.PlanPhase:
                return new WaitingView("the planner", Topics.PlanOut, false, "waiting for the RequestPlanner's plan on plan.out");
            case Stage.PlanReview:
                return new WaitingView("your review", "http", false, "the plan waits for a person: approve, edit or reject it");
            case Stage.CodePhase:
                var lastCommit = await queries.LastCommitResultAsync(cancellationToken);
                var waited = time.GetUtcNow() - state.UpdatedAt;
                if (lastCommit is null && waited >= workflow.Value.CodeAgentGrace)
                {
                    return new WaitingView("code agents", Topics.CodeTaskOut, true,
                        $"no code agent has ever answered on {Topics.CommitResultOut}: nothing seems to consume {Topics.CodeTaskOut}, so this request stays in code_phase " +
                        $"with its leases held. This system ships no code agent; run one that consumes {Topics.CodeTaskOut}, or cancel the request.");
                }
                return new WaitingView("code agents", Topics.CodeTaskOut, false,
                    $"{state.PendingTasks.Count} task(s) on {Topics.CodeTaskOut} waiting for a commit on {Topics.CommitResultOut}");
            case Stage.Build1 or Stage.Build2:
                return new WaitingView("a build", Topics.BuildReportOut, false, $"waiting for a build report on {Topics.BuildReportOut}");
            case Stage.TestPlan:
                return new WaitingView("a test planner", Topics.TestSpecOut, false, $"waiting for a test spec on {Topics.TestSpecOut}");
            case Stage.TestBuild:
                return new WaitingView("a test generator", Topics.GeneratedTestsOut, false, $"waiting for generated tests on {Topics.GeneratedTestsOut}");
            default:
                return null;
        }
    }
}
