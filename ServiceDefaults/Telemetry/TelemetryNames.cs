namespace ServiceDefaults.Telemetry;

/// <summary>Default ActivitySource / Meter names a service exports, derived from its own names.</summary>
public static class TelemetryNames
{
    /// <summary>Prefix of the ActivitySources and Meters that ServiceDefaults itself owns (Kafka, gRPC, Postgres...).</summary>
    public const string ServiceDefaultsPrefix = "ServiceDefaults";

    /// <summary>The service's own names: "Srm", "Srm.*", plus the same for OTEL_SERVICE_NAME when it differs.</summary>
    public static IEnumerable<string> OwnPatterns(params string?[] names)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names.Append(ServiceDefaultsPrefix))
        {
            if (string.IsNullOrWhiteSpace(name) || !seen.Add(name))
            {
                continue;
            }
            yield return name;
            yield return name + ".*";
        }
    }

    /// <summary>Framework sources that .NET emits without instrumentation packages.</summary>
    public static readonly string[] FrameworkActivitySources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql"];

    /// <summary>Framework meters built into .NET 9+ and Npgsql.</summary>
    public static readonly string[] FrameworkMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime", "Npgsql"];
}
