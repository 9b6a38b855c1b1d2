using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDefaults.Health;

namespace ServiceDefaults.Kafka;

/// <summary>Registers the Kafka publisher, consumer loops and health check against <c>ConnectionStrings:&lt;name&gt;</c>.</summary>
public static class KafkaHostingExtensions
{
    /// <summary>Registers one idempotent <see cref="IKafkaPublisher"/> (acks=all) for the process; <paramref name="producerProperties"/> are extra librdkafka settings.</summary>
    /// <exception cref="InvalidOperationException">librdkafka is missing (the message names the apt package).</exception>
    public static TBuilder AddKafkaProducer<TBuilder>(this TBuilder builder, string connectionName, IReadOnlyDictionary<string, string>? producerProperties = null)
        where TBuilder : IHostApplicationBuilder
    {
        // Fail at startup, not at the first message, when the native library is missing.
        KafkaNativeLibrary.EnsureLoaded();
        builder.Services.TryAddSingleton(sp => new KafkaPublisher(
            KafkaConnection.BootstrapServers(sp.GetRequiredService<IConfiguration>(), connectionName),
            sp.GetRequiredService<ILogger<KafkaPublisher>>(),
            producerProperties));
        builder.Services.TryAddSingleton<IKafkaPublisher>(sp => sp.GetRequiredService<KafkaPublisher>());
        return builder;
    }

    /// <summary>Adds a <see cref="KafkaConsumerLoop"/> that resolves <typeparamref name="THandler"/> from a new scope per record.</summary>
    public static TBuilder AddKafkaConsumer<THandler, TBuilder>(this TBuilder builder, string connectionName, Action<KafkaConsumerOptions> configure)
        where THandler : class, IKafkaMessageHandler
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddScoped<THandler>();
        return builder.AddKafkaConsumer(connectionName, configure, async (services, message, cancellationToken) =>
        {
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(message, cancellationToken);
        });
    }

    /// <summary>Adds a <see cref="KafkaConsumerLoop"/> with a handler delegate. Several loops (groups) per service are fine.</summary>
    public static TBuilder AddKafkaConsumer<TBuilder>(
        this TBuilder builder,
        string connectionName,
        Action<KafkaConsumerOptions> configure,
        Func<IServiceProvider, ConsumedMessage, CancellationToken, Task> handler)
        where TBuilder : IHostApplicationBuilder
    {
        var options = new KafkaConsumerOptions();
        configure(options);
        options.Validate();
        builder.AddKafkaProducer(connectionName); // dead letters go through the shared producer
        builder.Services.AddSingleton<IHostedService>(sp => new KafkaConsumerLoop(
            KafkaConnection.BootstrapServers(sp.GetRequiredService<IConfiguration>(), connectionName),
            options,
            (message, cancellationToken) => handler(sp, message, cancellationToken),
            sp.GetRequiredService<IKafkaPublisher>(),
            sp.GetRequiredService<ILogger<KafkaConsumerLoop>>(),
            sp.GetService<TimeProvider>()));
        return builder;
    }

    /// <summary>Adds a health check named <paramref name="connectionName"/>, tagged <c>ready</c>, that asks the broker for metadata.</summary>
    public static TBuilder AddKafkaHealthCheck<TBuilder>(this TBuilder builder, string connectionName, TimeSpan? timeout = null)
        where TBuilder : IHostApplicationBuilder
    {
        var checkTimeout = timeout ?? TimeSpan.FromSeconds(3);
        // One long-lived admin client per connection name, not one per probe.
        builder.Services.TryAddKeyedSingleton(connectionName, (sp, _) => new KafkaHealthCheck(
            KafkaConnection.BootstrapServers(sp.GetRequiredService<IConfiguration>(), connectionName),
            checkTimeout,
            sp.GetRequiredService<ILogger<KafkaHealthCheck>>()));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => sp.GetRequiredKeyedService<KafkaHealthCheck>(connectionName),
            failureStatus: HealthStatus.Unhealthy,
            tags: [HealthTags.Ready],
            timeout: checkTimeout + TimeSpan.FromSeconds(1)));
        return builder;
    }
}
