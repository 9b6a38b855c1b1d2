namespace Orchestrator.Workflow;

/// <summary>
/// What the workflow decided for one input: the request's new state (null when the request is unknown),
/// the timeline entries to append, the messages to publish and the seed ids to remember. All of it is written in
/// one transaction.
/// </summary>
/// <param name="Created">The input created the request (a change request seen for the first time).</param>
/// <param name="Ended">The request reached done or regress with this input.</param>
/// <param name="ReleasePlanId">The plan whose leases must be released because the request ended.</param>
/// <param name="Correlations">Ids this input taught us belong to the request (its plan, tasks, commits, spec).</param>
/// <param name="Refusal">Why the input is invalid: its timeline entry is written, then it is dead-lettered.</param>
public sealed record Decision(
    RequestState? State,
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<OutboundMessage> Outbox,
    bool Created,
    bool Ended,
    string? ReleasePlanId,
    IReadOnlyList<Correlation> Correlations,
    string? Refusal)
{
    public static Decision UnknownRequest { get; } = new(null, [], [], false, false, null, [], null);

    public static Decision Nothing(RequestState state) => new(state, [], [], false, false, null, [], null);

    /// <summary>This decision followed by <paramref name="next"/> (decided on this one's state), written as one.</summary>
    public Decision Then(Decision next) => new(
        next.State, [.. History, .. next.History], [.. Outbox, .. next.Outbox],
        Created || next.Created, Ended || next.Ended, next.ReleasePlanId ?? ReleasePlanId,
        [.. Correlations, .. next.Correlations], next.Refusal ?? Refusal);

    /// <summary>True when there is anything to write besides the inbox record.</summary>
    public bool HasEffects => Created || History.Count > 0 || Outbox.Count > 0 || Correlations.Count > 0;
}
