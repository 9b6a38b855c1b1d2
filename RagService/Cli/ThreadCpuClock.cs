using System.Runtime.InteropServices;

namespace RagService.Cli;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): what a query costs, whatever
/// else shares the cores, where wall-clock latency also counts the time spent waiting for one.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3;

    public static bool IsSupported => OperatingSystem.IsLinux();

    public static TimeSpan Now()
    {
        if (!IsSupported || clock_gettime(ThreadCpuTimeId, out var value) != 0) return TimeSpan.Zero;
        return TimeSpan.FromTicks(value.Seconds * TimeSpan.TicksPerSecond + value.Nanoseconds / 100);
    }

    [DllImport("libc")]
    private static extern int clock_gettime(int clockId, out Timespec value);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
