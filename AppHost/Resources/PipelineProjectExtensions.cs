using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Resources;

public static class PipelineProjectExtensions
{
    /// <summary>Healthy when <c>/health</c> answers 200 on <paramref name="endpoint"/> (gRPC services serve it on their HTTP/1.1 <c>health</c> endpoint).</summary>
    public static IResourceBuilder<ProjectResource> WithHealthEndpoint(this IResourceBuilder<ProjectResource> project, string endpoint = "http") =>
        project.WithHttpHealthCheck("/health", endpointName: endpoint);

    /// <summary>
    /// A gRPC service's endpoints, through Kestrel's endpoint configuration: h2c on <c>http</c> (what clients call) and
    /// HTTP/1.1 on <c>health</c> (<c>/health</c>, <c>/alive</c>, <c>/metrics</c> for probes, and the health check here).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrpcEndpoints(this IResourceBuilder<ProjectResource> project)
    {
        var publishing = project.ApplicationBuilder.ExecutionContext.IsPublishMode;
        project
            .WithEndpoint("http", e =>
            {
                e.UriScheme = "http";
                e.Transport = "http2";
                if (publishing) e.TargetPort = 8080;
            }, createIfNotExists: true)
            .WithEndpoint("health", e =>
            {
                e.UriScheme = "http";
                if (publishing) e.TargetPort = 8081;
            }, createIfNotExists: true);
        return project
            .WithEnvironment(context =>
            {
                var host = context.ExecutionContext.IsRunMode ? "localhost" : "*";
                foreach (var (name, protocols) in new[] { ("http", "Http2"), ("health", "Http1") })
                {
                    var port = project.GetEndpoint(name).Property(EndpointProperty.TargetPort);
                    context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Url"] = ReferenceExpression.Create($"http://{host}:{port}");
                    context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Protocols"] = protocols;
                }
                // Kestrel's endpoints above are the whole story; the URLs Aspire would also pass would only be overridden.
                context.EnvironmentVariables.Remove("ASPNETCORE_URLS");
                context.EnvironmentVariables.Remove("HTTP_PORTS");
            })
            .WithHealthEndpoint("health");
    }

    /// <summary>The folders RagService may index (<c>Rag:WorkspaceRoots</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithWorkspaceRoots(this IResourceBuilder<ProjectResource> project, IReadOnlyList<string> roots) =>
        project.WithEnvironment(context =>
        {
            for (var i = 0; i < roots.Count; i++) context.EnvironmentVariables[$"Rag__WorkspaceRoots__{i}"] = roots[i];
        });

    /// <summary>The web page on a stable host port (<c>AppHost:WebPort</c>), labelled on the dashboard.</summary>
    public static IResourceBuilder<ProjectResource> WithWebPage(this IResourceBuilder<ProjectResource> project, int port) => project
        .WithEndpoint("http", e => e.Port = port)
        .WithUrlForEndpoint("http", url => url.DisplayText = "web page");

    /// <summary>
    /// Once every resource is healthy, prints the web page's URL as the AppHost's last line (the dashboard's
    /// login URL comes before it).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AnnounceWhenHealthy(this IResourceBuilder<ProjectResource> project)
    {
        project.ApplicationBuilder.Eventing.Subscribe<AfterResourcesCreatedEvent>((@event, cancellationToken) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            // Every project waits for what it references, so all projects healthy means everything is.
            var waited = @event.Model.Resources.OfType<ProjectResource>().Select(r => r.Name).ToList();
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.WhenAll(waited.Select(name => notifications.WaitForResourceHealthyAsync(name, cancellationToken)));
                    Console.Out.WriteLine($"All resources are healthy. Web page: {project.Resource.GetEndpoint("http").Url}/");
                }
                catch (OperationCanceledException)
                {
                    // stopped before everything was up
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        });
        return project;
    }
}
