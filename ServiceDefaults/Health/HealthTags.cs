namespace ServiceDefaults.Health;

/// <summary>Tags that decide which endpoint runs a health check.</summary>
public static class HealthTags
{
    /// <summary>A dependency such as the database or the broker (/health runs every check; the tag says what a check is).</summary>
    public const string Ready = "ready";

    /// <summary>/alive (liveness): the process itself; a failing dependency must not restart the process.</summary>
    public const string Live = "live";
}
