using System.Runtime.InteropServices;

namespace RagService.Cli;

/// <summary>
/// CPU time of the whole process, every thread (Linux <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>): what a query
/// costs when nothing else runs in the process, whatever else shares the cores, where wall-clock latency also counts
/// the time spent waiting for one. A query uses two threads (<see cref="Search.HybridSearcher"/>), so a thread's own
/// clock would undercount it.
/// </summary>
internal static class ProcessCpuClock
{
    private const int ProcessCpuTimeId = 2;

    public static bool IsSupported => OperatingSystem.IsLinux();

    public static TimeSpan Now()
    {
        if (!IsSupported || clock_gettime(ProcessCpuTimeId, out var value) != 0) return TimeSpan.Zero;
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
