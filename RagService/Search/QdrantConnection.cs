using System.Data.Common;

namespace RagService.Search;

/// <summary>
/// Qdrant's gRPC endpoint and API key from the connection string Aspire gives a Qdrant reference,
/// <c>ConnectionStrings:qdrant</c> = <c>Endpoint=http://host:6334;Key=...</c>.
/// </summary>
public sealed record QdrantConnection(Uri Endpoint, string? ApiKey)
{
    public const string ConnectionName = "qdrant";

    public static QdrantConnection Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
            throw new FormatException("The qdrant connection string needs Endpoint=http://host:6334 (Qdrant's gRPC port; optionally Key=...).");
        var key = builder.TryGetValue("Key", out var k) ? k?.ToString() : null;
        return new QdrantConnection(uri, string.IsNullOrEmpty(key) ? null : key);
    }

    // The key must never reach logs.
    public override string ToString() => $"QdrantConnection {{ Endpoint = {Endpoint}, ApiKey = {(ApiKey is null ? "none" : "***")} }}";
}
