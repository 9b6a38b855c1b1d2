using AppHost.Infrastructure;

namespace AppHost.Resources.Kafka;

/// <summary>
/// The dev Kafka broker (librdkafka's mock cluster) run inside the AppHost: its connection string is its
/// bootstrap servers, known once it listens. IN MEMORY: its topics and messages are gone when the AppHost stops.
/// </summary>
public sealed class DevKafkaResource(string name) : Resource(name), IResourceWithConnectionString
{
    private readonly TaskCompletionSource<DevKafka> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{new BootstrapServers(this)}");

    /// <summary>The running broker; waits for it to start.</summary>
    public Task<DevKafka> Broker => _started.Task;

    internal void Started(DevKafka broker) => _started.TrySetResult(broker);

    internal void FailedToStart(Exception e) => _started.TrySetException(e);

    private sealed class BootstrapServers(DevKafkaResource kafka) : IValueProvider, IManifestExpressionProvider
    {
        public string ValueExpression => $"{{{kafka.Name}.bootstrapServers}}";

        public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
            (await kafka.Broker.WaitAsync(cancellationToken)).BootstrapServers;
    }
}
