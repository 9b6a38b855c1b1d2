using Microsoft.Extensions.Hosting;

namespace KafkaPeer;

/// <summary>Stops the host when the parent closes our stdin: a graceful stop that commits offsets and leaves the group.</summary>
public sealed class StopOnStandardInputClosed(IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(async () =>
    {
        var input = Console.In;
        while (!stoppingToken.IsCancellationRequested && await input.ReadLineAsync(stoppingToken) is not null)
        {
        }
        lifetime.StopApplication();
    }, stoppingToken);
}
