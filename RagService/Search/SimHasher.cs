using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RagService.Search;

/// <summary>
/// SimHash signatures (Charikar, 2002): the Hamming distance between two signatures estimates the angle between two
/// vectors. A signature is the sign bits of fixed pseudo-random rotations of the vector: random sign flips, then a fast
/// Walsh–Hadamard transform of the vector zero-padded to a power of two, in as many rounds (with other flips) as the
/// signature needs bits. The transform spreads every input coordinate over all outputs, so even sparse vectors
/// (feature hashing leaves most coordinates zero, whose own sign bits would say nothing) get informative bits, at
/// O(d log d) per vector instead of a dense projection's O(d²).
/// </summary>
public sealed class SimHasher
{
    private readonly int dimensions;
    private readonly int width;
    private readonly float[][] flips;

    /// <param name="dimensions">Length of the vectors hashed.</param>
    /// <param name="minimumBits">Signature length wanted; rounded up to whole rotations (powers of two of at least 256, so words come in fours).</param>
    public SimHasher(int dimensions, int minimumBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        this.dimensions = dimensions;
        width = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(256, dimensions));
        var rounds = Math.Max(1, (minimumBits + width - 1) / width);
        // A fixed seed: signatures must stay comparable across processes and restarts.
        var random = new Random(0x5149_4D48);
        flips = new float[rounds][];
        for (var r = 0; r < rounds; r++)
        {
            flips[r] = new float[dimensions];
            for (var i = 0; i < dimensions; i++) flips[r][i] = random.Next(2) == 0 ? 1f : -1f;
        }
        WordsPerRotation = width / 64;
        Words = rounds * WordsPerRotation;
    }

    /// <summary>64-bit words per signature.</summary>
    public int Words { get; }

    /// <summary>64-bit words of one rotation's signs (the signature's first this many words are a signature of their own).</summary>
    public int WordsPerRotation { get; }

    public int Bits => Words * 64;

    public void Sign(ReadOnlySpan<float> vector, Span<ulong> signature)
    {
        if (vector.Length != dimensions) throw new ArgumentException($"Vector has {vector.Length} dimensions; the hasher takes {dimensions}.", nameof(vector));
        Span<float> rotated = width <= 4096 ? stackalloc float[width] : new float[width];
        var words = width / 64;
        for (var r = 0; r < flips.Length; r++)
        {
            TensorPrimitives.Multiply(vector, flips[r], rotated);
            rotated[dimensions..].Clear();
            Transform(rotated);
            ref var start = ref MemoryMarshal.GetReference(rotated);
            for (var w = 0; w < words; w++)
            {
                ulong bits = 0;
                for (var b = 0; b < 64; b += Vector256<float>.Count)
                {
                    var positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref start, (nuint)(w * 64 + b)), Vector256<float>.Zero);
                    bits |= (ulong)positive.ExtractMostSignificantBits() << b;
                }
                signature[r * words + w] = bits;
            }
        }
    }

    /// <summary>The 8×8 Sylvester–Hadamard matrix by columns: entry (r, c) is (−1)^popcount(r AND c).</summary>
    private static readonly Vector256<float>[] Hadamard8 = Enumerable.Range(0, 8)
        .Select(c => Vector256.Create(Enumerable.Range(0, 8).Select(r => BitOperations.PopCount((uint)(r & c)) % 2 == 0 ? 1f : -1f).ToArray()))
        .ToArray();

    /// <summary>
    /// In-place unnormalised Walsh–Hadamard transform (only signs are kept, so the scale does not matter). Its first three
    /// butterfly stages together are an 8×8 Hadamard product per block of eight (broadcasts and multiply-adds); the
    /// wider stages add and subtract whole vectors.
    /// </summary>
    private static void Transform(Span<float> values)
    {
        var n = values.Length;
        ref var start = ref MemoryMarshal.GetReference(values);
        for (var block = 0; block < n; block += 8)
        {
            var sum = Vector256<float>.Zero;
            for (var c = 0; c < 8; c++) sum += Vector256.Create(values[block + c]) * Hadamard8[c];
            sum.StoreUnsafe(ref start, (nuint)block);
        }
        for (var h = 8; h < n; h <<= 1)
        {
            for (var i = 0; i < n; i += h << 1)
            {
                for (var j = i; j < i + h; j += Vector256<float>.Count)
                {
                    var x = Vector256.LoadUnsafe(ref start, (nuint)j);
                    var y = Vector256.LoadUnsafe(ref start, (nuint)(j + h));
                    (x + y).StoreUnsafe(ref start, (nuint)j);
                    (x - y).StoreUnsafe(ref start, (nuint)(j + h));
                }
            }
        }
    }
}
