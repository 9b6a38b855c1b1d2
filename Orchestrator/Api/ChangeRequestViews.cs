using Contracts.Core;
using Orchestrator.Persistence;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>JSON shapes the API returns.</summary>
public sealed record SubmittedView(string Id, string Stage, string Location, bool Review);

/// <param name="AgeSeconds">Since submission.</param>
/// <param name="IdleSeconds">Since the last applied transition.</param>
public sealed record RequestSummaryView(string Id, string Stage, string Repo, string Branch, string Requester, string Description,
    int Attempts, bool Review, string? RetryOf, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long AgeSeconds, long IdleSeconds, bool Stalled)
{
    public static RequestSummaryView Of(RequestState state, DateTimeOffset now, WorkflowOptions workflow) => new(state.Id, state.Stage.Name(),
        state.Repo, state.Branch, state.Requester, state.Description, state.Attempts, state.Review, state.RetryOf, state.CreatedAt, state.UpdatedAt,
        (long)(now - state.CreatedAt).TotalSeconds, (long)(now - state.UpdatedAt).TotalSeconds,
        !TransitionTable.IsTerminal(state.Stage) && now - state.UpdatedAt > workflow.StalledAfter);
}

public sealed record RequestPageView(IReadOnlyList<RequestSummaryView> Items, int Page, int PageSize, long Total);

public sealed record TimelineView(long Seq, DateTimeOffset At, string Trigger, string From, string To, bool Applied, string Detail,
    string SourceTopic, int? SourcePartition, long? SourceOffset, string MessageId)
{
    public static TimelineView Of(TimelineEntry stored)
    {
        var e = stored.Entry;
        return new(stored.Seq, e.At, e.Trigger.Name(), e.From.Name(), e.To.Name(), e.Applied, e.Detail,
            e.Source.Topic, e.Source.Partition, e.Source.Offset, e.Source.MessageId);
    }
}

public sealed record EvidenceView(string Path, int StartLine, int EndLine, string Symbol, float Score, string Snippet);

/// <summary>A live lease on a symbol: who holds it and until when.</summary>
public sealed record LeaseView(long LeaseId, string FqName, string FilePath, string Holder, DateTimeOffset? ExpiresAt, bool Expired);

/// <param name="Leases">This step's symbols' leases (from Srm; empty when Srm could not be asked).</param>
public sealed record StepView(int Order, string Goal, string Kind, string Path, IReadOnlyList<string> Symbols,
    IReadOnlyList<EvidenceView> Evidence, IReadOnlyList<LeaseView> Leases);

public sealed record PlanView(string Id, string Planner, IReadOnlyList<StepView> Steps, IReadOnlyList<string> Rationale)
{
    public static PlanView? Of(Plan? plan, IReadOnlyList<LeaseView> leases) => plan is null ? null : new(plan.Id, plan.Planner,
        plan.Steps.Select(s => new StepView(s.Order, s.Goal, s.Kind, s.Path, s.Symbols.ToList(),
            s.Evidence.Select(e => new EvidenceView(e.Path, e.StartLine, e.EndLine, e.Symbol, e.Score, e.Snippet)).ToList(),
            leases.Where(l => s.Symbols.Contains(l.FqName)).ToList())).ToList(),
        plan.Rationale.ToList());
}

/// <param name="Live">Every live lease of the plan, per Srm (null when Srm could not be asked: <paramref name="LookupError"/> says why).</param>
public sealed record LeasesView(string? PlanId, IReadOnlyList<string> ReservedLeaseIds, string Release, int? ReleasedCount, int ReleaseAttempts,
    string? LastError, IReadOnlyList<LeaseView>? Live, string? LookupError);

public sealed record TicketView(string Stage, string Reason, string SourceTopic, DateTimeOffset? RaisedAt)
{
    public static TicketView Of(RegressionTicket ticket) =>
        new(ticket.Stage.Name(), ticket.Summary, ticket.SourceTopic, ticket.RaisedAt?.ToDateTimeOffset());
}

/// <summary>What a request that has not ended is waiting for, in words, and whether anything seems to be there to answer.</summary>
public sealed record WaitingView(string For, string Topic, bool Unanswered, string Note);

/// <param name="Actions">What a person can do now: cancel, retry, approve, edit, reject.</param>
public sealed record RequestDetailsView(
    string Id, string Stage, string Repo, string Branch, string Description, string Requester, int Attempts, bool Review, string? RetryOf,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> PendingTasks, DateTimeOffset? ResubmitAt,
    IReadOnlyList<string> BlockedBy, PlanView? Plan, LeasesView Leases, WaitingView? Waiting, IReadOnlyList<string> Actions,
    IReadOnlyList<TicketView> Tickets, IReadOnlyList<TimelineView> Timeline);

/// <summary>A working tree as RagService sees it; <paramref name="Ok"/> false with the <paramref name="Problem"/> in words.</summary>
public sealed record RepositoryView(string Path, bool Ok, string Problem, string Message, bool Git, string CurrentBranch, IReadOnlyList<string> WorkspaceRoots);
