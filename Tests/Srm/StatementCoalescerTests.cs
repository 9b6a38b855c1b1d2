using System.Collections.Concurrent;
using Srm.Leases;

namespace Tests.Srm;

/// <summary>
/// Group commit without a database: what shares a statement, what waits for the next, what fails alone. One lane; its
/// first statement is held until the test has queued the requests under study, so they all meet in the queue.
/// </summary>
public sealed class StatementCoalescerTests
{
    [Fact]
    public async Task Requests_queued_behind_a_running_statement_share_the_next_one_and_equal_keys_never_share()
    {
        var statements = new Statements<string>("x0", r => r.ToUpperInvariant());
        // Keys are the first letter: a1 and a2 must not share a statement, nor b1 and b2.
        await using var coalescer = new StatementCoalescer<string, char, string>(lanes: 1, maxBatch: 64, r => r[0], statements.RunAsync);

        var results = await statements.QueueBehindBlockerAsync(coalescer, ["a1", "b1", "c1", "a2", "b2"]);

        Assert.Equal(["A1", "B1", "C1", "A2", "B2"], await Task.WhenAll(results));
        Assert.Equal([["x0"], ["a1", "b1", "c1"], ["a2", "b2"]], statements.Seen.ToArray());
    }

    [Fact]
    public async Task A_failing_statement_is_retried_request_by_request_so_only_the_bad_request_fails()
    {
        var statements = new Statements<string>("block", r => r == "bad" ? throw new InvalidOperationException("bad request") : r);
        await using var coalescer = new StatementCoalescer<string, string, string>(lanes: 1, maxBatch: 64, r => r, statements.RunAsync);

        var results = await statements.QueueBehindBlockerAsync(coalescer, ["good", "bad"]);

        Assert.Equal("good", await results[0]);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => results[1]);
        Assert.Equal("bad request", error.Message);
        Assert.Equal([["block"], ["good", "bad"], ["good"], ["bad"]], statements.Seen.ToArray());
    }

    [Fact]
    public async Task A_caller_that_gave_up_while_queued_is_never_executed()
    {
        var statements = new Statements<string>("block", r => r);
        await using var coalescer = new StatementCoalescer<string, string, string>(lanes: 1, maxBatch: 64, r => r, statements.RunAsync);
        using var giveUp = new CancellationTokenSource();

        var results = await statements.QueueBehindBlockerAsync(coalescer, ["abandoned", "kept"], async queued =>
        {
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued[0]);
        }, giveUp.Token);

        Assert.Equal("kept", await results[1]);
        Assert.Equal([["block"], ["kept"]], statements.Seen.ToArray());
    }

    [Fact]
    public async Task No_statement_holds_more_than_the_batch_limit()
    {
        var statements = new Statements<int>(-1, r => r);
        await using var coalescer = new StatementCoalescer<int, int, int>(lanes: 1, maxBatch: 4, r => r, statements.RunAsync);

        var results = await statements.QueueBehindBlockerAsync(coalescer, [.. Enumerable.Range(0, 10)]);

        Assert.Equal(Enumerable.Range(0, 10), await Task.WhenAll(results));
        Assert.Equal([1, 4, 4, 2], statements.Seen.Select(s => s.Length));
    }

    /// <summary>A fake statement: records what each one held and answers each request; the one with the blocker waits.</summary>
    private sealed class Statements<T>(T blocker, Func<T, T> answer) where T : notnull
    {
        private readonly TaskCompletionSource blockerRunning = new();
        private readonly TaskCompletionSource release = new();

        public ConcurrentQueue<T[]> Seen { get; } = new();

        public async Task<IReadOnlyList<T>> RunAsync(IReadOnlyList<T> requests, CancellationToken cancellationToken)
        {
            Seen.Enqueue([.. requests]);
            if (requests.Contains(blocker))
            {
                blockerRunning.SetResult();
                await release.Task;
            }

            return [.. requests.Select(answer)];
        }

        /// <summary>Runs the blocker, queues <paramref name="requests"/> behind it (then <paramref name="meanwhile"/>), lets it finish.</summary>
        public async Task<List<Task<T>>> QueueBehindBlockerAsync<TKey>(
            StatementCoalescer<T, TKey, T> coalescer, T[] requests, Func<List<Task<T>>, Task>? meanwhile = null,
            CancellationToken firstRequestToken = default) where TKey : notnull
        {
            var blocked = coalescer.RunAsync(blocker, CancellationToken.None);
            await blockerRunning.Task;
            var queued = requests.Select((r, i) => coalescer.RunAsync(r, i == 0 ? firstRequestToken : CancellationToken.None)).ToList();
            if (meanwhile is not null)
            {
                await meanwhile(queued);
            }

            release.SetResult();
            Assert.Equal(answer(blocker), await blocked);
            return queued;
        }
    }
}
