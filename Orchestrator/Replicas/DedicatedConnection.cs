namespace Orchestrator.Replicas;

/// <summary>The loop around a session on a dedicated connection (the leadership lock, LISTEN): run it again after each failure.</summary>
internal static class DedicatedConnection
{
    /// <summary>Runs <paramref name="session"/> until <paramref name="stoppingToken"/>; after a failure, reports it and pauses <paramref name="delay"/>.</summary>
    public static async Task KeepAsync(Func<CancellationToken, Task> session, Action<Exception> failed, TimeSpan delay, TimeProvider time,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await session(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failed(ex);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
