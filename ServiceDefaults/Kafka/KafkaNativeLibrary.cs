using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace ServiceDefaults.Kafka;

/// <summary>
/// Loads librdkafka from librdkafka.redist (the app's <c>runtimes/&lt;rid&gt;/native</c> folder) before any Kafka
/// client exists, so every client in the process, the dev broker's P/Invokes included, uses that one library.
/// </summary>
/// <remarks>
/// Why by hand: on Linux Confluent's default loader takes the redist's <c>librdkafka.so</c>, which needs
/// <c>libsasl2.so.3</c> (absent on Debian 12), and then silently falls back to whatever librdkafka the system has
/// (Debian's 2.0.2). The redist's <c>centos8-librdkafka.so</c> has no such dependency and loads. And
/// <see cref="Library.Load(string)"/> P/Invokes <c>libdl</c>, which glibc 2.34+ only ships as <c>libdl.so.2</c>.
/// </remarks>
public static class KafkaNativeLibrary
{
    /// <summary>The library name in <c>[DllImport]</c>s that should bind to the loaded librdkafka.</summary>
    public const string Name = "librdkafka";

    /// <summary>Linux builds in the redist, in order of preference (full features first, then fewer dependencies).</summary>
    public static IReadOnlyList<string> LinuxFileNames { get; } = ["librdkafka.so", "centos8-librdkafka.so"];

    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> ResolvedAssemblies = [];
    private static LoadedLibrdkafka? loaded;
    private static IntPtr handle;

    /// <summary>Loads librdkafka once per process and returns where from and which version.</summary>
    /// <param name="alsoFor">Assemblies with their own <c>[DllImport("librdkafka")]</c> (the dev broker) to bind to the same library.</param>
    /// <exception cref="InvalidOperationException">No redist build could be loaded; the message says why for each.</exception>
    public static LoadedLibrdkafka EnsureLoaded(params Assembly[] alsoFor)
    {
        lock (Gate)
        {
            loaded ??= Load();
            foreach (var assembly in alsoFor.Prepend(typeof(Library).Assembly))
            {
                if (handle != IntPtr.Zero && ResolvedAssemblies.Add(assembly))
                    NativeLibrary.SetDllImportResolver(assembly, Resolve);
            }
            return loaded;
        }
    }

    private static LoadedLibrdkafka Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            // Confluent's own loader finds the redist's build on Windows and macOS.
            return new LoadedLibrdkafka("(Confluent.Kafka default)", Library.VersionString);
        }

        var tried = new List<string>();
        foreach (var path in LinuxCandidates())
        {
            try
            {
                handle = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException ex)
            {
                tried.Add($"{path}: {FirstLine(ex.Message)}");
                continue;
            }
            NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, Resolve);
            ResolvedAssemblies.Add(typeof(Library).Assembly);
            Library.Load(path);
            return new LoadedLibrdkafka(path, Library.VersionString);
        }

        throw new InvalidOperationException(
            "Could not load librdkafka from the librdkafka.redist package (a dependency of Confluent.Kafka) in " +
            $"{AppContext.BaseDirectory}. Restore and build the project again. Tried: " + string.Join("; ", tried));
    }

    /// <summary>The redist's Linux builds for this architecture, in the layout of a build and of a RID-specific publish.</summary>
    public static IEnumerable<string> LinuxCandidates()
    {
        var rid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var folders = new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"), AppContext.BaseDirectory };
        return from folder in folders
               from file in LinuxFileNames
               let path = Path.Combine(folder, file)
               where File.Exists(path)
               select path;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == "libdl")
        {
            // glibc 2.34+ merged libdl into libc; only the versioned name exists without libc6-dev.
            if (NativeLibrary.TryLoad("libdl.so.2", out var libdl)) return libdl;
            if (NativeLibrary.TryLoad("libc.so.6", out var libc)) return libc;
        }
        return name.StartsWith(Name, StringComparison.Ordinal) ? handle : IntPtr.Zero;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

/// <summary>The librdkafka a process uses: its file and its version (e.g. <c>2.16.0</c>).</summary>
public sealed record LoadedLibrdkafka(string Path, string Version);
