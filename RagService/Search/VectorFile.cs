using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RagService.Search;

/// <summary>
/// Full-precision vectors by slot in a temporary file, read back only to re-score a search's best candidates (as Qdrant
/// and Lucene keep originals on disk beside quantised vectors in memory). The operating system's page cache keeps the
/// hot part in memory when there is room; the process does not. The file is unlinked as soon as it is open, so nothing
/// is left behind even if the process dies. Positional reads and writes: safe for concurrent readers.
/// </summary>
public sealed class VectorFile(int dimensions, string? directory = null) : IDisposable
{
    private readonly Lock gate = new();
    private SafeFileHandle? handle;

    public int Dimensions => dimensions;

    /// <summary>Bytes the file holds on disk.</summary>
    public long Length => handle is null ? 0 : RandomAccess.GetLength(handle);

    /// <summary>Writes <paramref name="vectors"/> (whole vectors, back to back) from <paramref name="firstSlot"/> on.</summary>
    public void Write(int firstSlot, ReadOnlySpan<float> vectors) =>
        RandomAccess.Write(Handle(), MemoryMarshal.AsBytes(vectors), Offset(firstSlot));

    /// <summary>Reads whole vectors from <paramref name="firstSlot"/> on into <paramref name="vectors"/>.</summary>
    public void Read(int firstSlot, Span<float> vectors)
    {
        var bytes = MemoryMarshal.AsBytes(vectors);
        var read = RandomAccess.Read(Handle(), bytes, Offset(firstSlot));
        if (read < bytes.Length) throw new InvalidOperationException($"Vector file is shorter than slot {firstSlot + vectors.Length / dimensions}; it was written elsewhere.");
    }

    public void Dispose() => handle?.Dispose();

    private long Offset(int slot) => (long)slot * dimensions * sizeof(float);

    private SafeFileHandle Handle()
    {
        if (handle is { } open) return open;
        lock (gate)
        {
            if (handle is null)
            {
                var path = Path.Combine(directory ?? Path.GetTempPath(), $"rag-vectors-{Guid.NewGuid():N}.f32");
                var created = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.DeleteOnClose);
                if (!OperatingSystem.IsWindows()) File.Delete(path);
                handle = created;
            }
            return handle;
        }
    }
}
