using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace ServiceDefaults.Kafka;

/// <summary>
/// Loads librdkafka (Debian's <c>librdkafka-dev</c>) before any Kafka client is created.
/// </summary>
/// <remarks>
/// Why explicit: without it, Confluent.Kafka 1.9.3 fails at the first client with a bare
/// <c>DllNotFoundException: Failed to load the librdkafka native library.</c> that does not say what to install.
/// And its own <see cref="Library.Load(string)"/> P/Invokes <c>libdl</c>, which glibc 2.34+ (Debian 12) only
/// ships as <c>libdl.so.2</c>; so we map <c>libdl</c> and <c>librdkafka</c> for Confluent's assembly first.
/// </remarks>
public static class KafkaNativeLibrary
{
    public const string DebianPackage = "librdkafka-dev";
    public const string PathEnvironmentVariable = "LIBRDKAFKA_PATH";

    /// <summary>The usual places of librdkafka on Debian/Ubuntu (multiarch) and from-source installs.</summary>
    public static IReadOnlyList<string> DefaultCandidates { get; } =
    [
        "/usr/lib/x86_64-linux-gnu/librdkafka.so.1",
        "/usr/lib/x86_64-linux-gnu/librdkafka.so",
        "/usr/lib/aarch64-linux-gnu/librdkafka.so.1",
        "/usr/lib/aarch64-linux-gnu/librdkafka.so",
        "/usr/local/lib/librdkafka.so.1",
        "/usr/local/lib/librdkafka.so",
        "/usr/lib/librdkafka.so.1",
        "/usr/lib/librdkafka.so",
    ];

    private static readonly Lock Gate = new();
    private static string? loadedPath;
    private static IntPtr loadedHandle;
    private static bool resolverRegistered;

    /// <summary>The path librdkafka was loaded from, or null before <see cref="EnsureLoaded()"/>.</summary>
    public static string? LoadedPath => loadedPath;

    /// <summary>Loads librdkafka once per process ($LIBRDKAFKA_PATH first, then <see cref="DefaultCandidates"/>).</summary>
    /// <returns>The path of the loaded library.</returns>
    /// <exception cref="InvalidOperationException">No candidate could be loaded; the message names the package to install.</exception>
    public static string EnsureLoaded()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(PathEnvironmentVariable);
        return EnsureLoaded(string.IsNullOrWhiteSpace(fromEnvironment)
            ? DefaultCandidates
            : [fromEnvironment, .. DefaultCandidates]);
    }

    public static string EnsureLoaded(IEnumerable<string> candidates)
    {
        lock (Gate)
        {
            if (loadedPath is not null) return loadedPath;

            var (path, handle) = Open(candidates);
            loadedHandle = handle;
            if (!resolverRegistered)
            {
                NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, ResolveForConfluent);
                resolverRegistered = true;
            }
            Library.Load(path);
            loadedPath = path;
            return path;
        }
    }

    /// <summary>Opens the first loadable candidate, or throws the install hint. Does not register it with Confluent.</summary>
    public static (string Path, IntPtr Handle) Open(IEnumerable<string> candidates)
    {
        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                tried.Add($"{candidate} (not found)");
                continue;
            }
            if (NativeLibrary.TryLoad(candidate, out var handle)) return (candidate, handle);
            tried.Add($"{candidate} (exists but could not be loaded)");
        }

        throw new InvalidOperationException(
            "The Kafka native library librdkafka was not found. Install Debian's librdkafka-dev " +
            $"(`apt-get install {DebianPackage}`), or set {PathEnvironmentVariable} to the full path of librdkafka.so.1. " +
            "Tried: " + string.Join("; ", tried));
    }

    private static IntPtr ResolveForConfluent(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == "libdl")
        {
            // glibc 2.34+ merged libdl into libc; only the versioned name exists without libc6-dev.
            if (NativeLibrary.TryLoad("libdl.so.2", out var libdl)) return libdl;
            if (NativeLibrary.TryLoad("libc.so.6", out var libc)) return libc;
        }
        if (name.EndsWith("librdkafka", StringComparison.Ordinal) && loadedHandle != IntPtr.Zero)
            return loadedHandle;
        return IntPtr.Zero;
    }
}
