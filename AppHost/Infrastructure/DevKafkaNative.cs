using System.Runtime.InteropServices;
using ServiceDefaults.Kafka;

namespace AppHost.Infrastructure;

/// <summary>
/// librdkafka's C API for its mock cluster (rdkafka_mock.h). Confluent.Kafka does not wrap it, so we call it
/// directly, bound by <see cref="KafkaNativeLibrary.EnsureLoaded"/> to the same librdkafka as the Kafka clients.
/// </summary>
internal static class DevKafkaNative
{
    private const string Library = KafkaNativeLibrary.Name;

    public const int ProducerType = 0; // RD_KAFKA_PRODUCER
    public const int ConfOk = 0;       // RD_KAFKA_CONF_OK
    public const int TopicAlreadyExists = 36; // RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_conf_new();

    [DllImport(Library)]
    public static extern void rd_kafka_conf_destroy(IntPtr conf);

    [DllImport(Library)]
    public static extern int rd_kafka_conf_set(
        IntPtr conf,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value,
        byte[] errstr,
        UIntPtr errstrSize);

    /// <summary>Takes ownership of <paramref name="conf"/> on success only.</summary>
    [DllImport(Library)]
    public static extern IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    public static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    /// <summary>Must run before <see cref="rd_kafka_destroy"/> of the owning handle, or librdkafka aborts.</summary>
    [DllImport(Library)]
    public static extern void rd_kafka_mock_cluster_destroy(IntPtr mockCluster);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mockCluster);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_topic_create(
        IntPtr mockCluster,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string topic,
        int partitionCount,
        int replicationFactor);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_err2str(int error);

    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(rd_kafka_err2str(error)) ?? $"error {error}";

    public static string ErrorBuffer(byte[] buffer)
    {
        var length = Array.IndexOf(buffer, (byte)0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length);
    }
}
