namespace AppHost.Resources.Qdrant;

public static class QdrantBuilderExtensions
{
    private const string Image = "qdrant/qdrant";
    private const string Tag = "v1.15.5";

    /// <summary><c>ConnectionStrings:{name}</c> when given (a Qdrant of yours: <c>Endpoint=http://host:6334;Key=...</c>), else a container.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPipelineQdrant(this IDistributedApplicationBuilder builder, string name) =>
        builder.Configuration.GetConnectionString(name) is { Length: > 0 } ? builder.AddConnectionString(name) : builder.AddQdrant(name);

    /// <summary>A Qdrant container with a generated API key (a secret parameter), healthy when <c>/readyz</c> answers.</summary>
    public static IResourceBuilder<QdrantServerResource> AddQdrant(this IDistributedApplicationBuilder builder, string name)
    {
        var apiKey = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-key", special: false);
        return builder.AddResource(new QdrantServerResource(name, apiKey))
            .WithImage(Image, Tag)
            .WithHttpEndpoint(targetPort: 6334, name: QdrantServerResource.GrpcEndpointName)
            .WithEndpoint(QdrantServerResource.GrpcEndpointName, e => e.Transport = "http2")
            .WithHttpEndpoint(targetPort: 6333, name: QdrantServerResource.HttpEndpointName)
            .WithEnvironment("QDRANT__SERVICE__API_KEY", apiKey)
            .WithEnvironment("QDRANT__SERVICE__ENABLE_STATIC_CONTENT", "0")
            .WithHttpHealthCheck("/readyz", endpointName: QdrantServerResource.HttpEndpointName)
            .WithIconName("DatabaseSearch");
    }
}
