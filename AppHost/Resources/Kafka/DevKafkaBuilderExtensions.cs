using System.Net.Sockets;
using AppHost.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AppHost.Resources.Kafka;

public static class DevKafkaBuilderExtensions
{
    /// <summary>
    /// The in-memory dev broker as a resource: started with the app (pipeline topics created, <paramref name="partitions"/>
    /// each), its log and state on the dashboard, healthy while it accepts connections, stopped with the AppHost.
    /// </summary>
    public static IResourceBuilder<DevKafkaResource> AddDevKafka(this IDistributedApplicationBuilder builder, string name, int partitions = 4)
    {
        var kafka = new DevKafkaResource(name);
        builder.Services.AddSingleton(_ => new DevKafkaLifetime(kafka));

        builder.Eventing.Subscribe<InitializeResourceEvent>(kafka, async (@event, cancellationToken) =>
        {
            await @event.Notifications.PublishUpdateAsync(kafka, s => s with { State = KnownResourceStates.Starting });
            await @event.Eventing.PublishAsync(new BeforeResourceStartedEvent(kafka, @event.Services), cancellationToken);
            // Created here so the container disposes it (stopping the broker) when the app is disposed.
            @event.Services.GetRequiredService<DevKafkaLifetime>();
            DevKafka broker;
            try
            {
                broker = DevKafka.Start(logger: @event.Logger);
                broker.CreatePipelineTopics(partitions);
                kafka.Started(broker);
            }
            catch (InvalidOperationException e)
            {
                kafka.FailedToStart(e);
                @event.Logger.LogError("The dev Kafka broker did not start: {Reason}", e.Message);
                await @event.Notifications.PublishUpdateAsync(kafka, s => s with { State = KnownResourceStates.FailedToStart });
                return;
            }
            await @event.Eventing.PublishAsync(new ConnectionStringAvailableEvent(kafka, @event.Services), cancellationToken);
            await @event.Notifications.PublishUpdateAsync(kafka, s => s with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
                StartTimeStamp = DateTime.UtcNow,
                Properties = [.. s.Properties, new("Bootstrap servers", broker.BootstrapServers)],
            });
        });

        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            if (!kafka.Broker.IsCompletedSuccessfully) return HealthCheckResult.Unhealthy("not started");
            var first = kafka.Broker.Result.BootstrapServers.Split(',')[0];
            var colon = first.LastIndexOf(':');
            using var client = new TcpClient();
            await client.ConnectAsync(first[..colon], int.Parse(first[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            return HealthCheckResult.Healthy(DevKafka.InMemoryNotice);
        });

        return builder.AddResource(kafka)
            .WithHealthCheck(healthCheck)
            .WithIconName("Stream")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Kafka (in-memory dev broker)",
                State = KnownResourceStates.NotStarted,
                Properties = [new("Storage", DevKafka.InMemoryNotice)],
            })
            .ExcludeFromManifest();
    }

    /// <summary>Stops the broker when the AppHost's services are disposed, after every project resource has stopped.</summary>
    private sealed class DevKafkaLifetime(DevKafkaResource kafka) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (kafka.Broker.IsCompletedSuccessfully) await kafka.Broker.Result.DisposeAsync();
        }
    }
}
