using AppHost.Hosting;
using AppHost.Terminal;
using Microsoft.Extensions.Logging;

namespace AppHost.Commands;

/// <summary><c>dotnet run --project AppHost</c>: the whole system until Ctrl+C.</summary>
public static partial class RunCommand
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var configuration = AppHostConfiguration.Load();
        using var loggerFactory = AppHostLogging.Create();
        var logger = loggerFactory.CreateLogger("AppHost");
        var log = new ResourceLog(PipelineResources.Services.Select(s => s.Name));
        var options = new LocalSystemOptions
        {
            DataDirectory = AppHostConfiguration.DataDirectory(configuration),
            WorkspaceRoots = AppHostConfiguration.WorkspaceRoots(configuration),
            Configuration = configuration,
            Output = log.Write,
        };

        await using var system = new LocalDistributedApplication(options, loggerFactory);
        try
        {
            await system.StartAsync(cancellationToken);
            ResourceTable.Print(system);
            LogReady(logger);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or FileNotFoundException)
        {
            LogStartFailed(logger, e.Message);
            return 1;
        }
        finally
        {
            LogStopping(logger);
        }
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready. Press Ctrl+C to stop everything.")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The system could not start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping every resource in reverse order")]
    private static partial void LogStopping(ILogger logger);
}
