using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Telemetry;

/// <summary>Builds the providers before any other service starts and flushes them at shutdown.</summary>
internal sealed class TelemetryHostedService(TelemetryProviders providers, ILogger<TelemetryHostedService> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        providers.EnsureStarted();
        if (providers.Options.ExportsOtlp)
        {
            logger.LogInformation("Exporting OpenTelemetry traces, metrics and logs for {ServiceName} over OTLP ({Protocol}) to {Endpoint}",
                providers.Options.ServiceName, providers.Options.OtlpProtocol, RedactedEndpoint(providers.Options.OtlpEndpoint));
        }
        return Task.CompletedTask;
    }

    // Only scheme, host and port: user info or a query could carry credentials.
    private static string RedactedEndpoint(Uri? endpoint) =>
        endpoint is null ? "" : $"{endpoint.Scheme}://{endpoint.Host}:{endpoint.Port}";

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        providers.ForceFlush(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }
}
