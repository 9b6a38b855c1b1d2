namespace AppHost.Resources.Kafka;

/// <summary>A single-node Kafka (KRaft) container; its connection string is its bootstrap server, as Aspire.Hosting.Kafka gives it.</summary>
public sealed class KafkaServerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const int Port = 9092;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
