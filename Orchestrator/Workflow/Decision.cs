namespace Orchestrator.Workflow;

/// <summary>
/// What the workflow decided for one input: the request's new state (null when the request is unknown),
/// the timeline entries to append and the messages to publish. All of it is written in one transaction.
/// </summary>
/// <param name="Created">The input created the request (a change request seen for the first time).</param>
/// <param name="Ended">The request reached done or regress with this input.</param>
/// <param name="ReleasePlanId">The plan whose leases must be released because the request ended.</param>
/// <param name="Rejection">Why the input is invalid: its timeline entry is written, then it is dead-lettered.</param>
public sealed record Decision(
    RequestState? State,
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<OutboundMessage> Outbox,
    bool Created,
    bool Ended,
    string? ReleasePlanId,
    string? Rejection = null)
{
    public static Decision UnknownRequest { get; } = new(null, [], [], false, false, null);

    public static Decision Nothing(RequestState state) => new(state, [], [], false, false, null);

    /// <summary>This decision followed by <paramref name="next"/> (decided on this one's state), written as one.</summary>
    public Decision Then(Decision next) => new(
        next.State, [.. History, .. next.History], [.. Outbox, .. next.Outbox],
        Created || next.Created, Ended || next.Ended, next.ReleasePlanId ?? ReleasePlanId, next.Rejection ?? Rejection);

    /// <summary>True when there is anything to write besides the inbox record.</summary>
    public bool HasEffects => Created || History.Count > 0 || Outbox.Count > 0;
}
