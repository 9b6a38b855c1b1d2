namespace Orchestrator.Replicas;

/// <summary>The payload of a commit notification on <see cref="Channel"/>: which replica committed, and whether it wrote outbox rows.</summary>
public sealed record CommitAnnouncement(string ReplicaId, bool WroteOutbox)
{
    public const string Channel = "orchestrator_commits";

    public string ToPayload() => $"{ReplicaId}:{(WroteOutbox ? 1 : 0)}";

    public static CommitAnnouncement? Parse(string payload) =>
        payload.Split(':') is [{ Length: > 0 } replica, var outbox] && outbox is "0" or "1" ? new CommitAnnouncement(replica, outbox == "1") : null;
}
