namespace ServiceDefaults.Discovery;

/// <summary>Rewrites a request's scheme, host and port when its host is a configured service name.</summary>
public sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Rewrite(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Rewrite(request);
        return base.Send(request, cancellationToken);
    }

    private void Rewrite(HttpRequestMessage request)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && resolver.TryResolve(uri, out var resolved))
        {
            request.RequestUri = resolved;
        }
    }
}
