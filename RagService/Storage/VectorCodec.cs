using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RagService.Storage;

/// <summary>float32 vectors as little-endian bytes (bytea), whatever the machine's byte order.</summary>
public static class VectorCodec
{
    public static byte[] Encode(float[] vector)
    {
        if (BitConverter.IsLittleEndian) return MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        var bytes = new byte[vector.Length * 4];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
        return bytes;
    }

    public static float[] Decode(byte[] bytes)
    {
        if (bytes.Length % 4 != 0) throw new FormatException($"A stored embedding has {bytes.Length} bytes, not a multiple of 4; re-index the repository.");
        if (BitConverter.IsLittleEndian) return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        var vector = new float[bytes.Length / 4];
        for (var i = 0; i < vector.Length; i++) vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return vector;
    }
}
