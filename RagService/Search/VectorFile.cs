using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace RagService.Search;

/// <summary>
/// Full-precision vectors by slot in a temporary file, read back only to re-score a search's best candidates (as Qdrant
/// and Lucene keep originals on disk beside quantised vectors in memory). The file is memory-mapped: re-scoring reads
/// the originals in place (no system call, no copy per candidate), and the operating system's page cache keeps the hot
/// part in memory when there is room; the process's heap does not hold them. The file is unlinked as soon as it is
/// open, so nothing is left behind even if the process dies. It grows by doubling (and is re-mapped then).
/// Not thread-safe on its own: <see cref="QuantizedVectorIndex"/> never writes while it reads.
/// </summary>
public sealed unsafe class VectorFile(int dimensions, string? directory = null) : IDisposable
{
    private const int MinimumCapacity = 1024;

    private SafeFileHandle? handle;
    private MemoryMappedFile? map;
    private MemoryMappedViewAccessor? view;
    private float* start;
    private int capacity;
    private int used;

    public int Dimensions => dimensions;

    /// <summary>Bytes of the slots written (the file may hold up to twice as many, not yet written: sparse).</summary>
    public long Length => (long)used * dimensions * sizeof(float);

    /// <summary>Writes <paramref name="vectors"/> (whole vectors, back to back) from <paramref name="firstSlot"/> on.</summary>
    public void Write(int firstSlot, ReadOnlySpan<float> vectors)
    {
        var count = vectors.Length / dimensions;
        EnsureCapacity(firstSlot + count);
        vectors.CopyTo(new Span<float>(start + (long)firstSlot * dimensions, vectors.Length));
        used = Math.Max(used, firstSlot + count);
    }

    /// <summary>The original of <paramref name="slot"/>, in place; valid until the next write.</summary>
    public ReadOnlySpan<float> Vector(int slot)
    {
        if ((uint)slot >= (uint)used) throw new ArgumentOutOfRangeException(nameof(slot), $"Slot {slot} was never written.");
        return new ReadOnlySpan<float>(start + (long)slot * dimensions, dimensions);
    }

    public void Dispose()
    {
        Unmap();
        handle?.Dispose();
    }

    private void EnsureCapacity(int slots)
    {
        if (slots <= capacity) return;
        var grown = Math.Max(slots, Math.Max(MinimumCapacity, capacity * 2));
        var bytes = (long)grown * dimensions * sizeof(float);
        var file = handle ??= Create(directory);
        Unmap();
        RandomAccess.SetLength(file, bytes);
        map = MemoryMappedFile.CreateFromFile(file, null, bytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        view = map.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = (float*)(pointer + view.PointerOffset);
        capacity = grown;
    }

    private void Unmap()
    {
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            view = null;
        }
        map?.Dispose();
        map = null;
        start = null;
    }

    private static SafeFileHandle Create(string? directory)
    {
        var path = Path.Combine(directory ?? Path.GetTempPath(), $"rag-vectors-{Guid.NewGuid():N}.f32");
        var created = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        return created;
    }
}
