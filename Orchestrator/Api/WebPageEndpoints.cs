namespace Orchestrator.Api;

/// <summary>
/// Serves the web page (<c>wwwroot/</c>, embedded in the assembly so it works from any working directory
/// and in single-file deployments): <c>/</c>, <c>/app.js</c>, <c>/app.css</c>, and <c>/requests/{id}</c> (the page opened on one
/// request). They hold no data, so they are served without an API key; the page sends the key on its API calls.
/// </summary>
public static class WebPageEndpoints
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapWebPage(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Load(resource);
            endpoints.MapGet(path, () => Results.Bytes(content, contentType)).WithMetadata(PublicEndpoint.Instance).ExcludeFromDescription();
            if (resource == "index.html")
                endpoints.MapGet("/requests/{id}", () => Results.Bytes(content, contentType)).WithMetadata(PublicEndpoint.Instance).ExcludeFromDescription();
        }
        return endpoints;
    }

    private static byte[] Load(string name)
    {
        var assembly = typeof(WebPageEndpoints).Assembly;
        var resource = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("wwwroot." + name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The web page file wwwroot/{name} is not embedded in {assembly.GetName().Name}; check the EmbeddedResource item in Orchestrator.csproj.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
