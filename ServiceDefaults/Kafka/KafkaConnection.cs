using Microsoft.Extensions.Configuration;

namespace ServiceDefaults.Kafka;

/// <summary>Bootstrap servers from <c>ConnectionStrings:&lt;name&gt;</c>, as Aspire injects them (<c>host:port[,host:port]</c>).</summary>
public static class KafkaConnection
{
    public static string BootstrapServers(IConfiguration configuration, string connectionName)
    {
        var value = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"Kafka connection string 'ConnectionStrings:{connectionName}' is not set. Set the environment variable " +
                $"ConnectionStrings__{connectionName}=host:port (the AppHost sets it to its in-memory dev broker for local runs).");
        }
        // Tolerate the "Endpoint=host:port" shape some tools write.
        const string endpointPrefix = "Endpoint=";
        return value.StartsWith(endpointPrefix, StringComparison.OrdinalIgnoreCase) ? value[endpointPrefix.Length..].Trim() : value.Trim();
    }
}
