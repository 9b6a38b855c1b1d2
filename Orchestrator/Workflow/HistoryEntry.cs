using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>
/// One line of a request's timeline: an applied transition, or a trigger that was not valid in the
/// stage it arrived in (<see cref="Applied"/> false, <see cref="To"/> equal to <see cref="From"/>).
/// </summary>
public sealed record HistoryEntry(
    DateTimeOffset At, Trigger Trigger, Stage From, Stage To, bool Applied, string Detail, MessageSource Source);
