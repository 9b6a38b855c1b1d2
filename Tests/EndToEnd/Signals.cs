using System.Runtime.InteropServices;

namespace Tests.EndToEnd;

/// <summary>POSIX signals to a process: .NET's Process.Kill only sends SIGKILL.</summary>
public static class Signals
{
    private const int SigInt = 2;

    /// <summary>What Ctrl+C sends.</summary>
    public static bool Interrupt(int pid) => kill(pid, SigInt) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
