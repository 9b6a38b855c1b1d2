using OpenTelemetry.Exporter;

namespace ServiceDefaults.Telemetry;

/// <summary>Applies the configured endpoint, protocol and headers to an OTLP exporter.</summary>
internal static class OtlpSettings
{
    public static void Apply(TelemetryOptions settings, OtlpExporterOptions exporter, string signal)
    {
        var endpoint = settings.OtlpEndpoint ?? throw new InvalidOperationException("OTLP endpoint is not set.");
        var httpProtobuf = string.Equals(settings.OtlpProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase);
        exporter.Protocol = httpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // An endpoint set in code is used as-is for http/protobuf, so the per-signal path the
        // environment-variable form implies ("/v1/traces") is added here.
        exporter.Endpoint = httpProtobuf ? AppendSignalPath(endpoint, signal) : endpoint;
        if (!string.IsNullOrWhiteSpace(settings.OtlpHeaders))
        {
            exporter.Headers = settings.OtlpHeaders;
        }
    }

    private static Uri AppendSignalPath(Uri endpoint, string signal)
    {
        var text = endpoint.AbsoluteUri.TrimEnd('/');
        return new Uri($"{text}/v1/{signal}");
    }
}
