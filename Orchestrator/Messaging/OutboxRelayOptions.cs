namespace Orchestrator.Messaging;

/// <summary>Bound from <c>Orchestrator:Outbox</c>.</summary>
public sealed class OutboxRelayOptions
{
    public const string Section = "Orchestrator:Outbox";

    /// <summary>False leaves publishing to other instances (rows stay in the outbox until one relays them).</summary>
    public bool RelayEnabled { get; set; } = true;

    public int BatchSize { get; set; } = 500;

    /// <summary>How often to look for rows when no in-process commit signalled any (other instances, restarts).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromSeconds(30);
}
