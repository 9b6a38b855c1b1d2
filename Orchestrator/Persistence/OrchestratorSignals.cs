namespace Orchestrator.Persistence;

/// <summary>
/// In-process wake-ups after a commit: the outbox relay publishes at once and event streams read the new
/// timeline entries without waiting for their polling interval (which still covers other instances).
/// Take the signal task BEFORE reading the database, then wait on it, so no commit is missed in between.
/// </summary>
public sealed class OrchestratorSignals
{
    private TaskCompletionSource committed = NewSource();
    private TaskCompletionSource outbox = NewSource();

    /// <summary>Completes at the next commit.</summary>
    public Task NextCommit => Volatile.Read(ref committed).Task;

    /// <summary>Completes at the next commit that wrote outbox rows.</summary>
    public Task NextOutbox => Volatile.Read(ref outbox).Task;

    public void Committed(bool wroteOutbox)
    {
        Interlocked.Exchange(ref committed, NewSource()).TrySetResult();
        if (wroteOutbox) Interlocked.Exchange(ref outbox, NewSource()).TrySetResult();
    }

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

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
