using System.Collections.Concurrent;
using Srm.Leases;

namespace Tests.Srm;

/// <summary>Group commit without a database: what shares a statement, what waits for the next, what fails alone.</summary>
public sealed class StatementCoalescerTests
{
    [Fact]
    public async Task Requests_queued_behind_a_running_statement_share_the_next_one_and_equal_keys_never_share()
    {
        var statements = new ConcurrentQueue<string[]>();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        await using var coalescer = new StatementCoalescer<string, string, string>(lanes: 1, maxBatch: 64, key => key[..1],
            async (requests, _) =>
            {
                statements.Enqueue([.. requests]);
                if (requests.Contains("x0"))
                {
                    firstRunning.SetResult();
                    await releaseFirst.Task;
                }

                return [.. requests.Select(r => r.ToUpperInvariant())];
            });

        var first = coalescer.RunAsync("x0", CancellationToken.None);
        await firstRunning.Task;
        // Keys are the first letter: a1 and a2 must not share a statement, nor b1 and b2.
        string[] queued = ["a1", "b1", "c1", "a2", "b2"];
        var results = queued.Select(r => coalescer.RunAsync(r, CancellationToken.None)).ToList();
        releaseFirst.SetResult();

        Assert.Equal("X0", await first);
        Assert.Equal(["A1", "B1", "C1", "A2", "B2"], await Task.WhenAll(results));
        Assert.Equal([["x0"], ["a1", "b1", "c1"], ["a2", "b2"]], statements.ToArray());
    }

    [Fact]
    public async Task A_failing_statement_is_retried_request_by_request_so_only_the_bad_request_fails()
    {
        var statements = new ConcurrentQueue<string[]>();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        await using var coalescer = new StatementCoalescer<string, string, string>(lanes: 1, maxBatch: 64, key => key,
            async (requests, _) =>
            {
                statements.Enqueue([.. requests]);
                if (requests.Contains("block"))
                {
                    firstRunning.SetResult();
                    await releaseFirst.Task;
                }

                return requests.Contains("bad") ? throw new InvalidOperationException("bad request") : [.. requests];
            });

        var blocker = coalescer.RunAsync("block", CancellationToken.None);
        await firstRunning.Task;
        var good = coalescer.RunAsync("good", CancellationToken.None);
        var bad = coalescer.RunAsync("bad", CancellationToken.None);
        releaseFirst.SetResult();

        await blocker;
        Assert.Equal("good", await good);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("bad request", error.Message);
        Assert.Equal([["block"], ["good", "bad"], ["good"], ["bad"]], statements.ToArray());
    }

    [Fact]
    public async Task A_caller_that_gave_up_while_queued_is_never_executed()
    {
        var executed = new ConcurrentQueue<string>();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        await using var coalescer = new StatementCoalescer<string, string, string>(lanes: 1, maxBatch: 64, key => key,
            async (requests, _) =>
            {
                foreach (var request in requests)
                {
                    executed.Enqueue(request);
                }

                if (requests.Contains("block"))
                {
                    firstRunning.SetResult();
                    await releaseFirst.Task;
                }

                return [.. requests];
            });

        var blocker = coalescer.RunAsync("block", CancellationToken.None);
        await firstRunning.Task;
        using var giveUp = new CancellationTokenSource();
        var abandoned = coalescer.RunAsync("abandoned", giveUp.Token);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        var kept = coalescer.RunAsync("kept", CancellationToken.None);
        releaseFirst.SetResult();

        await blocker;
        Assert.Equal("kept", await kept);
        Assert.Equal(["block", "kept"], executed.ToArray());
    }

    [Fact]
    public async Task No_statement_holds_more_than_the_batch_limit()
    {
        var sizes = new ConcurrentQueue<int>();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        await using var coalescer = new StatementCoalescer<int, int, int>(lanes: 1, maxBatch: 4, key => key,
            async (requests, _) =>
            {
                sizes.Enqueue(requests.Count);
                if (requests.Contains(-1))
                {
                    firstRunning.SetResult();
                    await releaseFirst.Task;
                }

                return [.. requests];
            });

        var blocker = coalescer.RunAsync(-1, CancellationToken.None);
        await firstRunning.Task;
        var queued = Enumerable.Range(0, 10).Select(i => coalescer.RunAsync(i, CancellationToken.None)).ToList();
        releaseFirst.SetResult();

        await blocker;
        Assert.Equal(Enumerable.Range(0, 10), await Task.WhenAll(queued));
        Assert.Equal([1, 4, 4, 2], sizes.ToArray());
    }
}
