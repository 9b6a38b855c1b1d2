using Microsoft.Extensions.Options;
using Srm.Telemetry;

namespace Srm.Leases;

/// <summary>
/// Deletes ended lease rows in the background (their history stays) and refreshes the live-leases gauge.
/// Ended leases are free to take whether or not they were swept; sweeping only keeps the table small.
/// </summary>
public sealed partial class ExpiredLeaseSweeper(
    LeaseStore store,
    SrmTelemetry telemetry,
    IOptions<SrmOptions> options,
    TimeProvider timeProvider,
    ILogger<ExpiredLeaseSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.SweepInterval, timeProvider);
        do
        {
            try
            {
                await SweepOnceAsync(settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database may be briefly away; the next tick tries again.
                LogSweepFailed(logger, exception, settings.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Deletes every row that ended before the grace period, in bounded chunks.</summary>
    public async Task<int> SweepOnceAsync(SrmOptions settings, CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await store.SweepAsync(settings.SweepGrace, settings.SweepBatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == settings.SweepBatchSize);

        telemetry.SetLiveLeases(await store.CountLiveAsync(cancellationToken));
        if (total > 0)
        {
            LogSwept(logger, total);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} ended lease rows")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping ended leases failed; retrying in {Interval}. Check that the srmdb database is reachable")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, TimeSpan interval);
}
