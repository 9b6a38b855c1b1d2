namespace Orchestrator.Replicas;

/// <summary>Bound from <c>Orchestrator:Replicas</c>: how replicas elect the one that runs the background workers and wake each other.</summary>
public sealed class ReplicaOptions
{
    public const string Section = "Orchestrator:Replicas";

    /// <summary>How often the leader checks that its lock connection is alive (it steps down when the check fails).</summary>
    public TimeSpan LeaderCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause before trying again after the lock or listen connection failed.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);
}
