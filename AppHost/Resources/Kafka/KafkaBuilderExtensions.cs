using AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ServiceDefaults.Kafka;

namespace AppHost.Resources.Kafka;

/// <summary>Kafka as Aspire.Hosting.Kafka would add it (that integration is not served to us): a container, or the dev broker.</summary>
public static class KafkaBuilderExtensions
{
    private const string Image = "apache/kafka";
    private const string Tag = "3.8.0";

    /// <summary>
    /// <c>ConnectionStrings:{name}</c> when given (a real Kafka, bootstrap servers), else the in-memory dev broker
    /// (<see cref="InfrastructureMode.Local"/>) or a Kafka container.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPipelineKafka(this IDistributedApplicationBuilder builder, string name, InfrastructureMode mode)
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 }) return builder.AddConnectionString(name);
        return mode == InfrastructureMode.Local ? builder.AddDevKafka(name) : builder.AddKafka(name);
    }

    public static IResourceBuilder<KafkaServerResource> AddKafka(this IDistributedApplicationBuilder builder, string name)
    {
        var kafka = new KafkaServerResource(name);
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(healthCheck,
            services => new KafkaHealthCheck(kafka.ConnectionStringExpression.GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()!, name,
                TimeSpan.FromSeconds(5), services.GetRequiredService<ILogger<KafkaHealthCheck>>()),
            failureStatus: null, tags: null));

        return builder.AddResource(kafka)
            .WithImage(Image, Tag)
            .WithEndpoint(KafkaServerResource.PrimaryEndpointName, e =>
            {
                e.TargetPort = KafkaServerResource.Port;
                e.UriScheme = "tcp";
                e.Transport = "tcp";
            }, createIfNotExists: true)
            .WithEnvironment("KAFKA_NODE_ID", "1")
            .WithEnvironment("KAFKA_PROCESS_ROLES", "broker,controller")
            .WithEnvironment("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
            .WithEnvironment("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
            .WithEnvironment("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .WithEnvironment("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            .WithEnvironment("KAFKA_NUM_PARTITIONS", "4")
            .WithEnvironment("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
            // Clients must be told the address they reach the broker at: the host port locally, the service name when deployed.
            .WithEnvironment(context => context.EnvironmentVariables["KAFKA_ADVERTISED_LISTENERS"] = context.ExecutionContext.IsRunMode
                ? ReferenceExpression.Create($"PLAINTEXT://localhost:{kafka.PrimaryEndpoint.Property(EndpointProperty.Port)}")
                : ReferenceExpression.Create($"PLAINTEXT://{kafka.PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}"))
            .WithHealthCheck(healthCheck)
            .WithIconName("Stream");
    }
}
