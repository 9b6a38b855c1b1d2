namespace Srm.Validation;

/// <summary>
/// Documented limits of Srm requests. Lengths count UTF-16 code units, as protobuf strings arrive in .NET.
/// </summary>
public static class RequestLimits
{
    public const int MaxRepoLength = 256;
    public const int MaxBranchLength = 256;
    public const int MaxFqNameLength = 1024;
    public const int MaxFilePathLength = 1024;
    public const int MaxPlanIdLength = 128;
    public const int MaxKindLength = 32;

    /// <summary>ttl_sec 0 means this default (10 minutes).</summary>
    public const int DefaultTtlSeconds = 600;
    public const int MinTtlSeconds = 1;
    /// <summary>One day: a plan that needs longer renews.</summary>
    public const int MaxTtlSeconds = 86_400;

    public const int MaxBatchItems = 1000;

    /// <summary>page_size 0 means this default.</summary>
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
}
