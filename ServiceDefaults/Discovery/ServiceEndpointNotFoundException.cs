namespace ServiceDefaults.Discovery;

/// <summary>A service name has no configured endpoint; the message names the configuration key to set.</summary>
public sealed class ServiceEndpointNotFoundException(string serviceName, string endpointName, string message)
    : InvalidOperationException(message)
{
    public string ServiceName { get; } = serviceName;

    public string EndpointName { get; } = endpointName;
}
