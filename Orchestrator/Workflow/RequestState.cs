using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>Everything the workflow needs to know about one change request.</summary>
/// <param name="Attempts">How many times the request has been submitted to the planner (1 for the first).</param>
/// <param name="PendingTasks">Task ids of the plan's steps not yet committed, sorted.</param>
/// <param name="ResubmitAt">Set while a BLOCKED request waits for its back-off before being submitted again.</param>
/// <param name="BlockedBy">Plan ids holding the leases that blocked the last plan; their end triggers a resubmission.</param>
/// <param name="UpdatedAt">Time of the last applied transition (what "no progress" is measured from).</param>
/// <param name="Version">Optimistic-concurrency counter, incremented on every write.</param>
public sealed record RequestState(
    string Id,
    Stage Stage,
    string Repo,
    string Branch,
    string Description,
    string Requester,
    int Attempts,
    string? PlanId,
    Plan? Plan,
    IReadOnlyList<string> PendingTasks,
    DateTimeOffset? ResubmitAt,
    IReadOnlyList<string> BlockedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>A READY plan waits in plan_review for a person instead of going to code_phase (asked for at submission).</summary>
    public bool Review { get; init; }

    /// <summary>The regressed or cancelled request this one retries, if any.</summary>
    public string? RetryOf { get; init; }

    /// <summary>A new request in stage idle, as submitted.</summary>
    public static RequestState New(ChangeRequest request, DateTimeOffset now) => new(
        request.Id, Stage.Idle, request.Repo, request.Branch, request.Description, request.Requester,
        Attempts: Math.Max(1, request.Attempt), PlanId: null, Plan: null, PendingTasks: [], ResubmitAt: null,
        BlockedBy: [], CreatedAt: now, UpdatedAt: now, Version: 0);

    /// <summary>The ChangeRequest message for submission number <paramref name="attempt"/>.</summary>
    public ChangeRequest ToChangeRequest(int attempt) => new()
    {
        Id = Id, Requester = Requester, Repo = Repo, Branch = Branch, Description = Description, Attempt = attempt,
    };
}
