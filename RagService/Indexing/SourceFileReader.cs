using System.Security.Cryptography;
using System.Text;

namespace RagService.Indexing;

/// <summary>A file's text and content hash.</summary>
public sealed record SourceFileContent(string Text, string Hash, long Bytes);

/// <summary>Why a file read is not indexed.</summary>
public enum SkipReason { TooLarge, Binary }

/// <summary>Reads a candidate file: skips files over the size limit and binaries (a NUL byte in the first 8 KiB, as git decides).</summary>
public static class SourceFileReader
{
    private const int BinarySniffBytes = 8000;

    /// <summary>The file's content, or null and why it is skipped.</summary>
    public static async Task<(SourceFileContent? Content, SkipReason Skipped)> ReadAsync(string fullPath, long maxBytes, CancellationToken cancellationToken)
    {
        var info = new FileInfo(fullPath);
        if (!info.Exists || info.Length > maxBytes) return (null, SkipReason.TooLarge);
        var bytes = await File.ReadAllBytesAsync(fullPath, cancellationToken).ConfigureAwait(false);
        if (bytes.Length > maxBytes) return (null, SkipReason.TooLarge);
        if (bytes.AsSpan(0, Math.Min(bytes.Length, BinarySniffBytes)).Contains((byte)0)) return (null, SkipReason.Binary);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0;
        var text = Encoding.UTF8.GetString(bytes, bom, bytes.Length - bom);
        return (new SourceFileContent(text, hash, bytes.Length), default);
    }
}
