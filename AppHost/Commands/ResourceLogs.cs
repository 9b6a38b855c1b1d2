using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Commands;

/// <summary>
/// Every resource's log lines while <c>plan</c> runs: one file per resource in <see cref="Directory"/>, or stderr
/// (prefixed with the resource's name) when no folder is given. The dashboard shows the same logs under <c>dotnet run</c>.
/// </summary>
internal sealed class ResourceLogs : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TextWriter> _writers = new(StringComparer.Ordinal);

    public ResourceLogs(DistributedApplication app, string? directory)
    {
        Directory = directory;
        if (directory is not null) System.IO.Directory.CreateDirectory(directory);
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var resource in model.Resources.Where(r => r is not ParameterResource))
            _ = FollowAsync(loggers, resource, _stop.Token);
    }

    public string? Directory { get; }

    private async Task FollowAsync(ResourceLoggerService loggers, IResource resource, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(cancellationToken))
                lock (_gate)
                {
                    var writer = WriterFor(resource.Name);
                    foreach (var line in batch) writer.WriteLine(Directory is null ? $"{resource.Name} | {line.Content}" : line.Content);
                }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private TextWriter WriterFor(string resource)
    {
        if (Directory is null) return Console.Error;
        if (!_writers.TryGetValue(resource, out var writer))
            _writers[resource] = writer = new StreamWriter(Path.Combine(Directory, resource + ".log"), append: false) { AutoFlush = true };
        return writer;
    }

    public void Dispose()
    {
        _stop.Cancel();
        lock (_gate)
        {
            foreach (var writer in _writers.Values) writer.Dispose();
            _writers.Clear();
        }
        _stop.Dispose();
    }
}
