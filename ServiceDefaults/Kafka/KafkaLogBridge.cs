using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ServiceDefaults.Kafka;

/// <summary>Routes librdkafka's own log lines into ILogger instead of stderr.</summary>
internal static class KafkaLogBridge
{
    public static void Log(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
            // librdkafka logs recoverable transport failures (broker down, reconnecting) at LOG_ERR.
            SyslogLevel.Error or SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        logger.Log(level, "librdkafka {Client} {Facility}: {Message}", message.Name, message.Facility, message.Message);
    }
}
