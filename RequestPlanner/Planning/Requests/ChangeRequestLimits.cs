namespace RequestPlanner.Planning.Requests;

/// <summary>
/// Size limits for an incoming <c>ChangeRequest</c>. They keep one request from crowding the prompt
/// budget or the lease table; anything larger is dead-lettered with the reason, not truncated
/// (truncating a description silently changes what the person asked for).
/// </summary>
public static class ChangeRequestLimits
{
    /// <summary>Request ids are correlation keys on every topic (UUIDs in practice).</summary>
    public const int MaxIdLength = 128;
    /// <summary>A repository name or URL (Srm's limit for the repo of a lease).</summary>
    public const int MaxRepoLength = 256;
    /// <summary>Git allows longer ref names, but nobody types one this long.</summary>
    public const int MaxBranchLength = 255;
    public const int MaxRequesterLength = 256;
    /// <summary>About 2,000 tokens of English (o200k_base, cl100k_base): a detailed request still leaves room for code context.</summary>
    public const int MaxDescriptionLength = 8_000;
}
