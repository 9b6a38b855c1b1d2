namespace ServiceDefaults.Health;

/// <summary>Tags that decide which endpoint runs a health check.</summary>
public static class HealthTags
{
    /// <summary>/health (readiness): dependencies such as the database or the broker.</summary>
    public const string Ready = "ready";

    /// <summary>/alive (liveness): the process itself; a failing dependency must not restart the process.</summary>
    public const string Live = "live";
}
