using Microsoft.Extensions.Hosting;

namespace ServiceDefaults.Metrics;

/// <summary>Starts listening before other services start, so their first measurements count.</summary>
internal sealed class MetricsHostedService(MetricsCollector collector) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        collector.Start();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
