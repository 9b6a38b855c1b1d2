namespace ServiceDefaults.Discovery;

/// <summary>Bound from the "ServiceDiscovery" configuration section.</summary>
public sealed class ServiceDiscoveryOptions
{
    public const string SectionName = "ServiceDiscovery";

    /// <summary>
    /// When false (default), a single-label host such as "srm" with no "services:srm:..." configuration is an
    /// error naming the key to set. When true it is sent as-is, for platforms whose DNS resolves service names.
    /// </summary>
    public bool AllowDnsPassThrough { get; set; }
}
