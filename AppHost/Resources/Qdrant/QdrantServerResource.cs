namespace AppHost.Resources.Qdrant;

/// <summary>
/// A Qdrant container, shaped like Aspire.Hosting.Qdrant's (not served to us): its connection string names the gRPC
/// endpoint (what Qdrant.Client uses) and the API key; REST serves the health probe.
/// </summary>
public sealed class QdrantServerResource(string name, ParameterResource apiKey) : ContainerResource(name), IResourceWithConnectionString
{
    public const string GrpcEndpointName = "grpc";
    public const string HttpEndpointName = "http";

    public ParameterResource ApiKeyParameter { get; } = apiKey;

    public EndpointReference GrpcEndpoint => new(this, GrpcEndpointName);

    public EndpointReference HttpEndpoint => new(this, HttpEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Endpoint={GrpcEndpoint.Property(EndpointProperty.Url)};Key={ApiKeyParameter}");
}
