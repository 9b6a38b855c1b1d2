using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace ServiceDefaults.Telemetry;

public static class TelemetryBuilderExtensions
{
    /// <summary>
    /// OpenTelemetry traces, metrics and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set;
    /// W3C trace context propagation always.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var options = ReadOptions(builder.Configuration, builder.Environment.ApplicationName);
        builder.Services.AddOptions<TelemetryOptions>().Configure(o => CopyTo(options, o));

        // traceparent/tracestate (and baggage) on HttpClient, ASP.NET Core and our Kafka headers.
        DistributedContextPropagator.Current = DistributedContextPropagator.CreateW3CPropagator();
        Sdk.SetDefaultTextMapPropagator(new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]));
        Activity.DefaultIdFormat = ActivityIdFormat.W3C;

        if (builder.Services.Any(d => d.ServiceType == typeof(TelemetryProviders)))
        {
            return builder;
        }
        builder.Services.AddSingleton<TelemetryProviders>();
        builder.Services.AddHostedService<TelemetryHostedService>();

        if (options.ExportsOtlp)
        {
            // The logging provider lives in the service provider, which disposes (and flushes) it.
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(options.ServiceName));
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
                logging.AddOtlpExporter(o => OtlpSettings.Apply(options, o, "logs"));
            });
        }
        return builder;
    }

    /// <summary>Reads the OTEL_* settings and the "Telemetry" section; fills defaults.</summary>
    public static TelemetryOptions ReadOptions(IConfiguration configuration, string applicationName)
    {
        var options = new TelemetryOptions();
        configuration.GetSection("Telemetry").Bind(options);

        var serviceName = configuration["OTEL_SERVICE_NAME"];
        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            options.ServiceName = string.IsNullOrWhiteSpace(serviceName) ? applicationName : serviceName;
        }
        if (options.ActivitySources.Count == 0)
        {
            options.ActivitySources.AddRange(TelemetryNames.OwnPatterns(applicationName, serviceName));
            options.ActivitySources.AddRange(TelemetryNames.FrameworkActivitySources);
        }
        if (options.Meters.Count == 0)
        {
            options.Meters.AddRange(TelemetryNames.OwnPatterns(applicationName, serviceName));
            options.Meters.AddRange(TelemetryNames.FrameworkMeters);
        }

        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException(
                    $"OTEL_EXPORTER_OTLP_ENDPOINT is not an absolute URL ('{endpoint}'): set it to e.g. http://localhost:4317, or unset it to disable OTLP export.");
            }
            options.OtlpEndpoint = uri;
        }
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"];
        if (!string.IsNullOrWhiteSpace(protocol))
        {
            options.OtlpProtocol = protocol.Trim();
        }
        if (options.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            throw new InvalidOperationException(
                $"OTEL_EXPORTER_OTLP_PROTOCOL '{options.OtlpProtocol}' is not supported: use 'grpc' or 'http/protobuf'.");
        }
        var headers = configuration["OTEL_EXPORTER_OTLP_HEADERS"];
        if (!string.IsNullOrWhiteSpace(headers))
        {
            options.OtlpHeaders = headers;
        }
        return options;
    }

    private static void CopyTo(TelemetryOptions source, TelemetryOptions target)
    {
        target.ServiceName = source.ServiceName;
        target.ActivitySources.Clear();
        target.ActivitySources.AddRange(source.ActivitySources);
        target.Meters.Clear();
        target.Meters.AddRange(source.Meters);
        target.OtlpEndpoint = source.OtlpEndpoint;
        target.OtlpProtocol = source.OtlpProtocol;
        target.OtlpHeaders = source.OtlpHeaders;
    }
}
