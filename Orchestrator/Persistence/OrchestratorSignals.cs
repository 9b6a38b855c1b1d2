namespace Orchestrator.Persistence;

/// <summary>
/// Wake-ups after a commit: the outbox relay publishes at once and event streams read the new timeline entries
/// without waiting for their polling interval. Commits of this replica wake its waiters at once and are announced
/// to the other replicas (<see cref="Replicas.CommitNotifier"/>, Postgres NOTIFY); their announcements wake ours
/// (<see cref="Replicas.CommitListener"/>). Take the signal task BEFORE reading the database, then wait on it, so no
/// commit is missed in between; the polling interval still covers an announcement lost with a crashed replica.
/// </summary>
public sealed class OrchestratorSignals
{
    private const int CommitFlag = 1;
    private const int OutboxFlag = 2;

    private TaskCompletionSource committed = NewSource();
    private TaskCompletionSource outbox = NewSource();
    private TaskCompletionSource local = NewSource();
    private int unannounced;

    /// <summary>Names this replica in its announcements, so it ignores its own.</summary>
    public string ReplicaId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Completes at the next commit of any replica.</summary>
    public Task NextCommit => Volatile.Read(ref committed).Task;

    /// <summary>Completes at the next commit of any replica that wrote outbox rows.</summary>
    public Task NextOutbox => Volatile.Read(ref outbox).Task;

    /// <summary>Completes at the next commit of this replica (what the notifier announces).</summary>
    public Task NextLocalCommit => Volatile.Read(ref local).Task;

    /// <summary>This replica committed.</summary>
    public void Committed(bool wroteOutbox)
    {
        Interlocked.Or(ref unannounced, wroteOutbox ? CommitFlag | OutboxFlag : CommitFlag);
        Wake(wroteOutbox);
        Interlocked.Exchange(ref local, NewSource()).TrySetResult();
    }

    /// <summary>Another replica committed (or commits may have gone unannounced, e.g. while reconnecting).</summary>
    public void CommittedElsewhere(bool wroteOutbox) => Wake(wroteOutbox);

    /// <summary>Puts back what <see cref="TakeUnannounced"/> took when announcing it failed.</summary>
    public void Unannounced(bool wroteOutbox) => Interlocked.Or(ref unannounced, wroteOutbox ? CommitFlag | OutboxFlag : CommitFlag);

    /// <summary>Takes what this replica committed since the last call: null when nothing, else whether any commit wrote outbox rows.</summary>
    public bool? TakeUnannounced() => Interlocked.Exchange(ref unannounced, 0) switch
    {
        0 => null,
        var flags => (flags & OutboxFlag) != 0,
    };

    /// <summary>Waits for <paramref name="signal"/>, at most <paramref name="timeout"/>; never throws for timeout or cancellation.</summary>
    public static async Task WaitAsync(Task signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Wake(bool wroteOutbox)
    {
        Interlocked.Exchange(ref committed, NewSource()).TrySetResult();
        if (wroteOutbox) Interlocked.Exchange(ref outbox, NewSource()).TrySetResult();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
