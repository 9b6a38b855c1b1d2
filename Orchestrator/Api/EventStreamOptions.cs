namespace Orchestrator.Api;

/// <summary>Bound from <c>Orchestrator:Events</c>.</summary>
public sealed class EventStreamOptions
{
    public const string Section = "Orchestrator:Events";

    /// <summary>
    /// How often an event stream reads the timeline when no commit signal woke it (every replica's commits do, through
    /// NOTIFY); it only covers a signal lost with a crashed replica.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
