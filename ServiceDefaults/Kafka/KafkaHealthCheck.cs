using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Kafka;

/// <summary>Ready when the broker answers a metadata request within <paramref name="timeout"/>.</summary>
public sealed class KafkaHealthCheck(string bootstrapServers, string connectionName, TimeSpan timeout, ILogger<KafkaHealthCheck> logger)
    : IHealthCheck, IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly Lazy<IAdminClient> admin = new(() =>
    {
        KafkaNativeLibrary.EnsureLoaded();
        return new AdminClientBuilder(new AdminClientConfig
            {
                BootstrapServers = bootstrapServers,
                ClientId = $"{AppDomain.CurrentDomain.FriendlyName}-health",
                SocketTimeoutMs = (int)Math.Max(timeout.TotalMilliseconds, 10),
            })
            .SetLogHandler((_, message) => KafkaLogBridge.Log(logger, message))
            // Unreachable brokers are reported by the check itself; keep librdkafka's retries out of the error log.
            .SetErrorHandler((_, error) => logger.LogDebug("Kafka health client: {Code} {Reason}", error.Code, error.Reason))
            .Build();
    });

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks; it is bounded by the timeout.
            var metadata = await Task.Run(() => admin.Value.GetMetadata(timeout), cancellationToken);
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"Kafka answered with {metadata.Brokers.Count} broker(s).")
                : HealthCheckResult.Unhealthy("Kafka answered without brokers.");
        }
        catch (KafkaException ex)
        {
            return new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy,
                $"Kafka did not answer a metadata request within {timeout.TotalSeconds:0.#} s ({ex.Error.Reason}). " +
                $"Check that the broker named by ConnectionStrings:{connectionName} is running and reachable.");
        }
    }

    public void Dispose()
    {
        if (admin.IsValueCreated) admin.Value.Dispose();
    }
}
