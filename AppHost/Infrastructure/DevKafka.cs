using System.Runtime.InteropServices;
using Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServiceDefaults.Kafka;

namespace AppHost.Infrastructure;

/// <summary>
/// A Kafka-protocol broker for one machine: librdkafka's mock cluster, listening on 127.0.0.1.
/// Any Kafka client (other processes too) connects to <see cref="BootstrapServers"/>: produce, consumer
/// groups, offset commits and the idempotent producer all work.
/// IN-MEMORY ONLY: every topic and message is lost when it stops. For development and tests, never production.
/// </summary>
public sealed class DevKafka : IDisposable, IAsyncDisposable
{
    public const string InMemoryNotice =
        "in-memory Kafka (librdkafka mock cluster): messages are lost when it stops; for development and tests only";

    private readonly Lock gate = new();
    private readonly ILogger logger;
    private readonly int replicationFactor;
    private IntPtr handle;
    private IntPtr cluster;

    private DevKafka(IntPtr handle, IntPtr cluster, string bootstrapServers, int brokers, ILogger logger)
    {
        this.handle = handle;
        this.cluster = cluster;
        this.logger = logger;
        BootstrapServers = bootstrapServers;
        Brokers = brokers;
        replicationFactor = Math.Min(brokers, 3);
    }

    /// <summary><c>host:port[,host:port]</c>, the value of <c>ConnectionStrings__kafka</c>.</summary>
    public string BootstrapServers { get; }

    public int Brokers { get; }

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers on free 127.0.0.1 ports.</summary>
    /// <exception cref="InvalidOperationException">librdkafka could not be loaded or the cluster did not start.</exception>
    public static DevKafka Start(int brokers = 1, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        logger ??= NullLogger.Instance;
        KafkaNativeLibrary.EnsureLoaded(typeof(DevKafkaNative).Assembly);

        var error = new byte[512];
        var conf = DevKafkaNative.rd_kafka_conf_new();
        // The owning handle never connects anywhere; keep its "no bootstrap.servers" notice out of the output.
        Set(conf, "log_level", "4", error);
        Set(conf, "client.id", "dev-kafka", error);
        var handle = DevKafkaNative.rd_kafka_new(DevKafkaNative.ProducerType, conf, error, (UIntPtr)error.Length);
        if (handle == IntPtr.Zero)
        {
            DevKafkaNative.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"Could not create the librdkafka handle for the dev broker: {DevKafkaNative.ErrorBuffer(error)}");
        }

        var cluster = DevKafkaNative.rd_kafka_mock_cluster_new(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            DevKafkaNative.rd_kafka_destroy(handle);
            throw new InvalidOperationException("librdkafka could not start its mock cluster (see librdkafka's log above).");
        }

        var bootstrap = Marshal.PtrToStringUTF8(DevKafkaNative.rd_kafka_mock_cluster_bootstraps(cluster))!;
        logger.LogWarning("Dev Kafka broker listening on {BootstrapServers} with {Brokers} broker(s): " + InMemoryNotice,
            bootstrap, brokers);
        return new DevKafka(handle, cluster, bootstrap, brokers, logger);
    }

    /// <summary>Creates a topic (no-op when it exists). Clients may also auto-create topics with 4 partitions.</summary>
    public void CreateTopic(string name, int partitions = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(cluster == IntPtr.Zero, this);
            var error = DevKafkaNative.rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor);
            if (error != 0 && error != DevKafkaNative.TopicAlreadyExists)
                throw new InvalidOperationException($"Dev Kafka could not create topic {name}: {DevKafkaNative.ErrorText(error)}");
        }
        logger.LogDebug("Dev Kafka topic {Topic} with {Partitions} partition(s)", name, partitions);
    }

    /// <summary>Creates every pipeline topic (<see cref="Topics.All"/>) and its <c>.dlq</c>.</summary>
    public void CreatePipelineTopics(int partitions = 4)
    {
        foreach (var topic in Topics.All)
        {
            CreateTopic(topic, partitions);
            CreateTopic(Topics.DeadLetter(topic), partitions);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (cluster == IntPtr.Zero) return;
            // Order matters: the mock cluster belongs to the handle, destroying the handle first aborts the process.
            DevKafkaNative.rd_kafka_mock_cluster_destroy(cluster);
            cluster = IntPtr.Zero;
            DevKafkaNative.rd_kafka_destroy(handle);
            handle = IntPtr.Zero;
        }
        logger.LogInformation("Dev Kafka broker {BootstrapServers} stopped; its in-memory topics are gone", BootstrapServers);
    }

    public ValueTask DisposeAsync()
    {
        // librdkafka joins its broker threads on destroy; do that off the caller's thread.
        return new ValueTask(Task.Run(Dispose));
    }

    private static void Set(IntPtr conf, string name, string value, byte[] error)
    {
        if (DevKafkaNative.rd_kafka_conf_set(conf, name, value, error, (UIntPtr)error.Length) != DevKafkaNative.ConfOk)
            throw new InvalidOperationException($"librdkafka rejected {name}={value}: {DevKafkaNative.ErrorBuffer(error)}");
    }
}
