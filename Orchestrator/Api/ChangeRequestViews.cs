using Contracts.Core;
using Orchestrator.Persistence;
using Orchestrator.Workflow;

namespace Orchestrator.Api;

/// <summary>JSON shapes the API returns.</summary>
public sealed record SubmittedView(string Id, string Stage, string Location);

public sealed record RequestSummaryView(string Id, string Stage, string Repo, string Branch, string Requester, string Description,
    int Attempts, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static RequestSummaryView Of(RequestState state) => new(state.Id, state.Stage.Name(), state.Repo, state.Branch,
        state.Requester, state.Description, state.Attempts, state.CreatedAt, state.UpdatedAt);
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

public sealed record StepView(int Order, string Goal, string Kind, string Path, IReadOnlyList<string> Symbols);

public sealed record PlanView(string Id, string Planner, IReadOnlyList<StepView> Steps, IReadOnlyList<string> Rationale)
{
    public static PlanView? Of(Plan? plan) => plan is null ? null : new(plan.Id, plan.Planner,
        plan.Steps.Select(s => new StepView(s.Order, s.Goal, s.Kind, s.Path, s.Symbols.ToList())).ToList(),
        plan.Rationale.ToList());
}

public sealed record LeasesView(string? PlanId, IReadOnlyList<string> ReservedLeaseIds, string Release, int? ReleasedCount, int ReleaseAttempts, string? LastError);

public sealed record TicketView(string Stage, string Reason, string SourceTopic, DateTimeOffset? RaisedAt)
{
    public static TicketView Of(RegressionTicket ticket) =>
        new(ticket.Stage.Name(), ticket.Summary, ticket.SourceTopic, ticket.RaisedAt?.ToDateTimeOffset());
}

public sealed record RequestDetailsView(
    string Id, string Stage, string Repo, string Branch, string Description, string Requester, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> PendingTasks, DateTimeOffset? ResubmitAt,
    IReadOnlyList<string> BlockedBy, PlanView? Plan, LeasesView Leases, IReadOnlyList<TicketView> Tickets, IReadOnlyList<TimelineView> Timeline);
