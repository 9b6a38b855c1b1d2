using System.Threading.Channels;

namespace Srm.Leases;

/// <summary>
/// Group commit: concurrent callers' one-row requests run together as one multi-row statement, so the database pays
/// one round trip, one plan execution and one commit for many of them. <c>lanes</c> statements run at once; each lane
/// takes whatever is queued (up to <c>maxBatch</c>) as soon as its previous statement ends, so a lone caller waits for
/// nobody. Two requests with the same key never share a statement (a row may change only once per statement, and
/// each caller must see the other's outcome): the later one runs in the lane's next statement. If a statement fails,
/// each of its requests runs alone, so one request's failure is its own.
/// </summary>
public sealed class StatementCoalescer<TRequest, TKey, TResult> : IAsyncDisposable where TKey : notnull
{
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>();
    private readonly CancellationTokenSource stopping = new();
    private readonly Func<TRequest, TKey> keyOf;
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> execute;
    private readonly int maxBatch;
    private readonly Task[] lanes;

    /// <param name="execute">Runs the requests as one statement; returns one result per request, in their order.</param>
    public StatementCoalescer(
        int lanes, int maxBatch, Func<TRequest, TKey> keyOf, Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> execute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        this.keyOf = keyOf;
        this.execute = execute;
        this.maxBatch = maxBatch;
        this.lanes = [.. Enumerable.Range(0, lanes).Select(_ => Task.Run(RunLaneAsync))];
    }

    public Task<TResult> RunAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, cancellationToken);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(StatementCoalescer<TRequest, TKey, TResult>));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stopping.CancelAsync();
        await Task.WhenAll(lanes);
        stopping.Dispose();
    }

    private async Task RunLaneAsync()
    {
        var batch = new List<Pending>(maxBatch);
        var keys = new HashSet<TKey>();
        var deferred = new List<Pending>();
        var carried = new List<Pending>();
        while (true)
        {
            (carried, deferred) = (deferred, carried);
            foreach (var pending in carried)
            {
                Add(pending);
            }

            carried.Clear();
            if (batch.Count == 0 && deferred.Count == 0 && !await queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                return;
            }

            while (batch.Count < maxBatch && queue.Reader.TryRead(out var next))
            {
                Add(next);
            }

            if (batch.Count > 0)
            {
                await ExecuteAsync(batch);
                batch.Clear();
                keys.Clear();
            }
        }

        void Add(Pending pending)
        {
            if (pending.CallerToken.IsCancellationRequested)
            {
                pending.Completion.TrySetCanceled(pending.CallerToken);
            }
            else if (keys.Add(keyOf(pending.Request)))
            {
                batch.Add(pending);
            }
            else
            {
                deferred.Add(pending);
            }
        }
    }

    private async Task ExecuteAsync(List<Pending> batch)
    {
        try
        {
            var results = await execute([.. batch.Select(p => p.Request)], stopping.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var pending in batch)
            {
                await ExecuteAsync([pending]);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            batch[0].Completion.TrySetCanceled(stopping.Token);
        }
        catch (Exception e)
        {
            batch[0].Completion.TrySetException(e);
        }
    }

    private sealed class Pending(TRequest request, CancellationToken callerToken)
    {
        public TRequest Request => request;

        public CancellationToken CallerToken => callerToken;

        // Callers continue on the thread pool, never inside the lane that is about to run the next statement.
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
