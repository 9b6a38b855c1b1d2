using System.Data.Common;

namespace RagService.Search;

/// <summary>
/// Qdrant's HTTP endpoint and API key from the Aspire-style connection string
/// <c>ConnectionStrings:qdrant_http</c> = <c>Endpoint=http://host:6333;Key=...</c>.
/// </summary>
public sealed record QdrantConnection(Uri Endpoint, string? ApiKey)
{
    public const string ConnectionName = "qdrant_http";

    public static QdrantConnection Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.TryGetValue("Endpoint", out var endpoint) || !Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri))
            throw new FormatException("The qdrant_http connection string needs Endpoint=http://host:6333 (and optionally Key=...).");
        var key = builder.TryGetValue("Key", out var k) ? k?.ToString() : null;
        return new QdrantConnection(uri, string.IsNullOrEmpty(key) ? null : key);
    }

    // The key must never reach logs.
    public override string ToString() => $"QdrantConnection {{ Endpoint = {Endpoint}, ApiKey = {(ApiKey is null ? "none" : "***")} }}";
}
