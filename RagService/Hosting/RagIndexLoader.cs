using Microsoft.Extensions.Hosting;
using RagService.Repositories;

namespace RagService.Hosting;

/// <summary>Rebuilds the in-memory indexes from the database while the host starts (after migrations, before Kestrel serves).</summary>
public sealed class RagIndexLoader(RepositoryCatalog catalog) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => catalog.LoadAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
