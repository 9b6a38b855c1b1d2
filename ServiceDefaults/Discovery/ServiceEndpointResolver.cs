using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace ServiceDefaults.Discovery;

/// <summary>
/// Aspire-style service discovery from configuration: <c>http://srm</c> resolves through
/// <c>services:srm:http:0</c> (environment <c>services__srm__http__0=http://127.0.0.1:5123</c>).
/// Also understood: <c>https+http://srm</c> (first scheme that is configured wins) and
/// <c>http://_grpc.srm</c> (named endpoint, <c>services:srm:grpc:0</c>). Several endpoints are used round-robin.
/// Configuration is read on every call, so reloads apply.
/// </summary>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, Counter> roundRobin = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The address to call for <paramref name="uri"/>; throws <see cref="ServiceEndpointNotFoundException"/> naming the missing key.</summary>
    public Uri Resolve(Uri uri)
    {
        if (TryResolve(uri, out var resolved))
        {
            return resolved;
        }
        var (service, endpoints) = Parse(uri);
        throw NotFound(uri, service, endpoints[0]);
    }

    /// <summary>
    /// True and the rewritten address when the host is a configured service; false when the host is an
    /// ordinary address (IP, dotted name, localhost) to use as-is. A bare name without configuration throws,
    /// unless ServiceDiscovery:AllowDnsPassThrough is set.
    /// </summary>
    public bool TryResolve(Uri uri, out Uri resolved)
    {
        resolved = uri;
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }
        var (service, endpointNames) = Parse(uri);
        var serviceSection = configuration.GetSection("services").GetSection(service);
        if (!serviceSection.Exists())
        {
            if (LooksLikeServiceName(uri) && !AllowDnsPassThrough)
            {
                throw NotFound(uri, service, endpointNames[0]);
            }
            return false;
        }
        foreach (var endpointName in endpointNames)
        {
            var addresses = Addresses(serviceSection.GetSection(endpointName), endpointName, uri);
            if (addresses.Count == 0)
            {
                continue;
            }
            var counter = roundRobin.GetOrAdd(service + "/" + endpointName, _ => new Counter());
            var target = addresses[(int)((uint)Interlocked.Increment(ref counter.Value) % (uint)addresses.Count)];
            resolved = new UriBuilder(uri)
            {
                Scheme = target.Scheme,
                Host = target.Host,
                Port = target.IsDefaultPort ? -1 : target.Port,
            }.Uri;
            return true;
        }
        throw NotFound(uri, service, endpointNames[0]);
    }

    private bool AllowDnsPassThrough =>
        configuration.GetSection(ServiceDiscoveryOptions.SectionName).Get<ServiceDiscoveryOptions>()?.AllowDnsPassThrough ?? false;

    private static (string Service, string[] EndpointNames) Parse(Uri uri)
    {
        var host = uri.Host;
        var schemes = uri.Scheme.Split('+', StringSplitOptions.RemoveEmptyEntries);
        var dot = host.IndexOf('.');
        if (host.StartsWith('_') && dot > 1)
        {
            return (host[(dot + 1)..], [host[1..dot]]);
        }
        return (host, schemes);
    }

    private static bool LooksLikeServiceName(Uri uri) =>
        uri.HostNameType == UriHostNameType.Dns
        && (!uri.Host.Contains('.') || uri.Host.StartsWith('_'))
        && !string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);

    private static List<Uri> Addresses(IConfigurationSection endpointSection, string endpointName, Uri requested)
    {
        var values = new List<(int Index, string Value)>();
        if (!string.IsNullOrWhiteSpace(endpointSection.Value))
        {
            values.Add((0, endpointSection.Value)); // services:srm:http=<url> without an index
        }
        foreach (var child in endpointSection.GetChildren())
        {
            if (int.TryParse(child.Key, out var index) && !string.IsNullOrWhiteSpace(child.Value))
            {
                values.Add((index, child.Value));
            }
        }
        var defaultScheme = endpointName is "http" or "https" ? endpointName : requested.Scheme.Split('+')[0];
        var addresses = new List<Uri>();
        foreach (var (_, value) in values.OrderBy(v => v.Index))
        {
            var text = value.Trim();
            if (!text.Contains("://", StringComparison.Ordinal))
            {
                text = $"{defaultScheme}://{text}";
            }
            if (!Uri.TryCreate(text, UriKind.Absolute, out var address))
            {
                throw new InvalidOperationException(
                    $"Configuration '{endpointSection.Path}' holds '{value}', which is not a URL: set it to e.g. http://127.0.0.1:5000.");
            }
            addresses.Add(address);
        }
        return addresses;
    }

    private static ServiceEndpointNotFoundException NotFound(Uri uri, string service, string endpointName) =>
        new(service, endpointName,
            $"No endpoint is configured for service '{service}' (requested {uri.Scheme}://{uri.Host}): set configuration " +
            $"'services:{service}:{endpointName}:0' (environment variable services__{service}__{endpointName}__0) to its address, " +
            "e.g. http://127.0.0.1:5000.");

    private sealed class Counter
    {
        public int Value = -1;
    }
}
