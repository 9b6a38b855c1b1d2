namespace RagService.Search;

/// <summary>
/// FNV-1a 64-bit. <see cref="string.GetHashCode()"/> is randomised per process, and hashed embeddings must be
/// identical across processes and restarts (they are stored).
/// </summary>
public static class StableHash
{
    public static ulong Fnv1a(ReadOnlySpan<char> text, ulong seed = 14695981039346656037UL)
    {
        var hash = seed;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        // Final avalanche so low bits (used for the bucket) depend on every character.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }
}
