using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Kafka;

/// <summary>Says at start which librdkafka the process uses: a silently taken system build is the usual surprise.</summary>
internal sealed class KafkaLibraryReport(ILogger<KafkaLibraryReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var library = KafkaNativeLibrary.EnsureLoaded();
        logger.LogInformation("librdkafka {Version} loaded from {Path}", library.Version, library.Path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
