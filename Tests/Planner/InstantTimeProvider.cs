using System.Collections.Concurrent;

namespace Tests.Planner;

/// <summary>
/// A clock that moves only when code waits on it: a timer fires at once (on the thread pool) and moves the clock
/// by its due time, so a back-off of minutes takes no real time and the test can read every wait.
/// </summary>
public sealed class InstantTimeProvider : TimeProvider
{
    private long ticks = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero).UtcTicks;

    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new InstantTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class InstantTimer(InstantTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private bool disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (disposed || dueTime == Timeout.InfiniteTimeSpan) return !disposed;
            clock.Waits.Enqueue(dueTime);
            Interlocked.Add(ref clock.ticks, dueTime.Ticks);
            ThreadPool.QueueUserWorkItem(_ => { if (!disposed) callback(state); });
            return true;
        }

        public void Dispose() => disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
