using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// <summary>POSIX signals to child processes: .NET's Process.Kill only sends SIGKILL.</summary>
public static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && kill(pid, signal) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
