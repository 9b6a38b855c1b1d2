using Microsoft.Extensions.Logging;

namespace AppHost.Terminal;

public static class AppHostLogging
{
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Information) => LoggerFactory.Create(logging => logging
        .SetMinimumLevel(minimum)
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        }));
}
