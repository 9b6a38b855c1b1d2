namespace ServiceDefaults.Telemetry;

/// <summary>
/// What OpenTelemetry exports. Bound from the "Telemetry" configuration section; names may end with
/// '*' as a prefix wildcard (OpenTelemetry's own matching).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>Service name on every span, metric and log; from OTEL_SERVICE_NAME, else the application name.</summary>
    public string ServiceName { get; set; } = "";

    /// <summary>ActivitySource names traced. Defaults cover the service's own sources, ServiceDefaults, ASP.NET Core, HttpClient and Npgsql.</summary>
    public List<string> ActivitySources { get; } = [];

    /// <summary>Meter names exported over OTLP.</summary>
    public List<string> Meters { get; } = [];

    /// <summary>OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); exporters are built only when it is set.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>"grpc" (default) or "http/protobuf" (OTEL_EXPORTER_OTLP_PROTOCOL).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Extra OTLP headers, "k=v,k2=v2" (OTEL_EXPORTER_OTLP_HEADERS); may hold an API key, so never logged.</summary>
    public string? OtlpHeaders { get; set; }

    public bool ExportsOtlp => OtlpEndpoint is not null;
}
