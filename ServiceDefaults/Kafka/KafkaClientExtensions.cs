using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ServiceDefaults.Health;

namespace ServiceDefaults.Kafka;

/// <summary>
/// The Kafka client integration, shaped like Aspire.Confluent.Kafka (not served here): clients by connection name
/// (<c>ConnectionStrings__kafka</c>), each with a "ready" health check named after the connection and librdkafka's
/// statistics as metrics; plus our publisher and consumer loop on top.
/// </summary>
public static class KafkaClientExtensions
{
    /// <summary>Registers one <see cref="IProducer{TKey, TValue}"/> singleton for <paramref name="connectionName"/>.</summary>
    public static void AddKafkaProducer<TKey, TValue>(this IHostApplicationBuilder builder, string connectionName,
        Action<KafkaProducerSettings>? configureSettings = null,
        Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder = null)
    {
        var settings = ReadSettings(builder.Configuration, connectionName);
        configureSettings?.Invoke(settings);
        settings.Config.BootstrapServers = settings.ConnectionString ?? KafkaConnection.BootstrapServers(builder.Configuration, connectionName);
        if (!settings.DisableMetrics) settings.Config.StatisticsIntervalMs ??= KafkaStatisticsMetrics.DefaultIntervalMs;

        builder.Services.TryAddSingleton(sp =>
        {
            KafkaNativeLibrary.EnsureLoaded();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(KafkaTelemetry.Name);
            var producer = new ProducerBuilder<TKey, TValue>(settings.Config)
                .SetLogHandler((_, message) => KafkaLogBridge.Log(logger, message))
                .SetErrorHandler((_, error) => logger.LogWarning(
                    "Kafka producer error {Code} (fatal: {IsFatal}): {Reason}", error.Code, error.IsFatal, error.Reason));
            if (!settings.DisableMetrics) producer.SetStatisticsHandler((_, json) => KafkaStatisticsMetrics.Record(json));
            configureBuilder?.Invoke(sp, producer);
            return producer.Build();
        });
        builder.AddKafkaClientDefaults(connectionName, settings.DisableHealthChecks);
    }

    /// <summary>
    /// Registers the process's <see cref="IKafkaPublisher"/>: an idempotent producer (acks=all) for
    /// <paramref name="connectionName"/> with the pipeline's headers.
    /// </summary>
    public static TBuilder AddKafkaPublisher<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddKafkaProducer<byte[], byte[]>(connectionName, settings => KafkaPublisher.Configure(settings.Config));
        builder.Services.TryAddSingleton(sp => new KafkaPublisher(sp.GetRequiredService<IProducer<byte[], byte[]>>(), sp.GetRequiredService<ILogger<KafkaPublisher>>()));
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

    /// <summary>
    /// Adds a <see cref="KafkaConsumerLoop"/> that resolves <typeparamref name="THandler"/> from a new scope per batch
    /// (records of one partition, see <see cref="KafkaConsumerOptions.MaxBatchSize"/>).
    /// </summary>
    public static TBuilder AddKafkaBatchConsumer<THandler, TBuilder>(this TBuilder builder, string connectionName, Action<KafkaConsumerOptions> configure)
        where THandler : class, IKafkaBatchHandler
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddScoped<THandler>();
        return builder.AddKafkaConsumer(connectionName, configure, (sp, options, bootstrapServers) => new KafkaConsumerLoop(
            bootstrapServers,
            options,
            async (messages, cancellationToken) =>
            {
                await using var scope = sp.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<THandler>().HandleBatchAsync(messages, cancellationToken);
            },
            sp.GetRequiredService<IKafkaPublisher>(),
            sp.GetRequiredService<ILogger<KafkaConsumerLoop>>(),
            sp.GetService<TimeProvider>()));
    }

    /// <summary>
    /// Adds a <see cref="KafkaConsumerLoop"/> for <paramref name="connectionName"/> with a handler delegate; dead letters
    /// go through the process's <see cref="IKafkaPublisher"/>. Several loops (groups) per service are fine.
    /// </summary>
    public static TBuilder AddKafkaConsumer<TBuilder>(
        this TBuilder builder,
        string connectionName,
        Action<KafkaConsumerOptions> configure,
        Func<IServiceProvider, ConsumedMessage, CancellationToken, Task> handler)
        where TBuilder : IHostApplicationBuilder =>
        builder.AddKafkaConsumer(connectionName, configure, (sp, options, bootstrapServers) => new KafkaConsumerLoop(
            bootstrapServers,
            options,
            (message, cancellationToken) => handler(sp, message, cancellationToken),
            sp.GetRequiredService<IKafkaPublisher>(),
            sp.GetRequiredService<ILogger<KafkaConsumerLoop>>(),
            sp.GetService<TimeProvider>()));

    private static TBuilder AddKafkaConsumer<TBuilder>(this TBuilder builder, string connectionName, Action<KafkaConsumerOptions> configure,
        Func<IServiceProvider, KafkaConsumerOptions, string, KafkaConsumerLoop> loop)
        where TBuilder : IHostApplicationBuilder
    {
        var options = new KafkaConsumerOptions();
        configure(options);
        options.Validate();
        var bootstrapServers = KafkaConnection.BootstrapServers(builder.Configuration, connectionName);
        builder.AddKafkaPublisher(connectionName);
        builder.Services.AddSingleton<IHostedService>(sp => loop(sp, options, bootstrapServers));
        builder.AddKafkaClientDefaults(connectionName, options.DisableHealthChecks);
        return builder;
    }

    /// <summary>What every Kafka client shares: the librdkafka report at start, our ActivitySource and Meter, one "ready" check per connection.</summary>
    private static void AddKafkaClientDefaults(this IHostApplicationBuilder builder, string connectionName, bool disableHealthChecks)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KafkaLibraryReport>());
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(KafkaTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(KafkaTelemetry.Name));
        if (disableHealthChecks || builder.Services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, connectionName) && d.ServiceType == typeof(KafkaHealthCheck)))
            return;

        var bootstrapServers = KafkaConnection.BootstrapServers(builder.Configuration, connectionName);
        var timeout = KafkaHealthCheck.DefaultTimeout;
        // One long-lived admin client per connection name, not one per probe.
        builder.Services.AddKeyedSingleton(connectionName, (sp, _) =>
            new KafkaHealthCheck(bootstrapServers, connectionName, timeout, sp.GetRequiredService<ILogger<KafkaHealthCheck>>()));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => sp.GetRequiredKeyedService<KafkaHealthCheck>(connectionName),
            failureStatus: HealthStatus.Unhealthy,
            tags: [HealthTags.Ready],
            timeout: timeout + TimeSpan.FromSeconds(1)));
    }

    private static KafkaProducerSettings ReadSettings(IConfiguration configuration, string connectionName)
    {
        var section = configuration.GetSection(KafkaProducerSettings.ConfigurationSection);
        var settings = new KafkaProducerSettings
        {
            DisableHealthChecks = section.GetValue<bool>(nameof(KafkaProducerSettings.DisableHealthChecks)),
            DisableMetrics = section.GetValue<bool>(nameof(KafkaProducerSettings.DisableMetrics)),
        };
        foreach (var property in section.GetSection("Config").GetChildren())
            settings.Config.Set(property.Key, property.Value);
        if (configuration.GetConnectionString(connectionName) is { Length: > 0 })
            settings.ConnectionString = KafkaConnection.BootstrapServers(configuration, connectionName);
        return settings;
    }
}
