using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagService.Search;

/// <summary>
/// Dense index in a Qdrant collection through Qdrant's documented REST API (no Qdrant client package is
/// available here): <c>GET/PUT /collections/{name}</c> (vectors: size, Cosine), upsert
/// <c>PUT /collections/{name}/points?wait=true</c>, search <c>POST /collections/{name}/points/search</c>, delete
/// <c>POST /collections/{name}/points/delete?wait=true</c> by a filter on the <c>path</c> payload. The API key goes
/// in the <c>api-key</c> header. The collection is created on the first upsert, sized by the first vector.
/// </summary>
public sealed class QdrantVectorIndex(HttpClient http, QdrantConnection connection, string collection) : IVectorIndex
{
    /// <summary>Points per upsert request, keeping request bodies to a few MB.</summary>
    public const int UpsertBatchSize = 128;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly SemaphoreSlim createGate = new(1, 1);
    private bool collectionReady;

    public string Collection => collection;

    /// <summary>A collection name Qdrant accepts, from a repository and branch.</summary>
    public static string CollectionName(string repo, string branch)
    {
        var raw = $"rag_{repo}_{branch}";
        var chars = raw.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray();
        return new string(chars);
    }

    public async Task UpsertAsync(IReadOnlyList<VectorEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0) return;
        await EnsureCollectionAsync(entries[0].Vector.Length, cancellationToken).ConfigureAwait(false);
        foreach (var batch in entries.Chunk(UpsertBatchSize))
        {
            var body = new UpsertRequest(batch.Select(e => new Point(e.Id, e.Vector, new Dictionary<string, string> { ["path"] = e.Path })).ToList());
            using var response = await SendAsync(HttpMethod.Put, $"collections/{Uri.EscapeDataString(collection)}/points?wait=true", body, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "upsert points", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task RemoveFileAsync(string path, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (!collectionReady && !await CollectionExistsAsync(cancellationToken).ConfigureAwait(false)) return;
        var body = new DeleteRequest(new Filter([new FieldCondition("path", new MatchValue(path))]));
        using var response = await SendAsync(HttpMethod.Post, $"collections/{Uri.EscapeDataString(collection)}/points/delete?wait=true", body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "delete points", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(float[] query, int limit, CancellationToken cancellationToken)
    {
        if (!collectionReady && !await CollectionExistsAsync(cancellationToken).ConfigureAwait(false)) return [];
        var body = new SearchBody(query, limit, WithPayload: false);
        using var response = await SendAsync(HttpMethod.Post, $"collections/{Uri.EscapeDataString(collection)}/points/search", body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "search points", cancellationToken).ConfigureAwait(false);
        var reply = await response.Content.ReadFromJsonAsync<QdrantReply<List<ScoredPoint>>>(Json, cancellationToken).ConfigureAwait(false);
        return reply?.Result?.Select(p => new VectorMatch(p.Id.GetInt64(), p.Score)).ToList() ?? [];
    }

    private async Task EnsureCollectionAsync(int dimensions, CancellationToken cancellationToken)
    {
        if (collectionReady) return;
        await createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (collectionReady) return;
            if (!await CollectionExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                var body = new CreateCollectionRequest(new VectorParams(dimensions, "Cosine"));
                using var response = await SendAsync(HttpMethod.Put, $"collections/{Uri.EscapeDataString(collection)}", body, cancellationToken).ConfigureAwait(false);
                await EnsureSuccessAsync(response, "create collection", cancellationToken).ConfigureAwait(false);
            }
            collectionReady = true;
        }
        finally
        {
            createGate.Release();
        }
    }

    private async Task<bool> CollectionExistsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"collections/{Uri.EscapeDataString(collection)}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, "get collection", cancellationToken).ConfigureAwait(false);
        collectionReady = true;
        return true;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, object? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(connection.Endpoint, relative));
        if (connection.ApiKey is not null) request.Headers.Add("api-key", connection.ApiKey);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        return http.SendAsync(request, cancellationToken);
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (detail.Length > 500) detail = detail[..500];
        throw new HttpRequestException(
            $"Qdrant {operation} on collection '{collection}' at {connection.Endpoint} failed with {(int)response.StatusCode}: {detail}. Check that Qdrant is running and the qdrant_http connection string (endpoint, key) is right.",
            null, response.StatusCode);
    }

    private sealed record CreateCollectionRequest([property: JsonPropertyName("vectors")] VectorParams Vectors);

    private sealed record VectorParams([property: JsonPropertyName("size")] int Size, [property: JsonPropertyName("distance")] string Distance);

    private sealed record UpsertRequest([property: JsonPropertyName("points")] List<Point> Points);

    private sealed record Point(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("vector")] float[] Vector,
        [property: JsonPropertyName("payload")] Dictionary<string, string> Payload);

    private sealed record SearchBody(
        [property: JsonPropertyName("vector")] float[] Vector,
        [property: JsonPropertyName("limit")] int Limit,
        [property: JsonPropertyName("with_payload")] bool WithPayload);

    private sealed record DeleteRequest([property: JsonPropertyName("filter")] Filter Filter);

    private sealed record Filter([property: JsonPropertyName("must")] List<FieldCondition> Must);

    private sealed record FieldCondition([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("match")] MatchValue Match);

    private sealed record MatchValue([property: JsonPropertyName("value")] string Value);

    private sealed record QdrantReply<T>([property: JsonPropertyName("result")] T? Result, [property: JsonPropertyName("status")] JsonElement Status);

    private sealed record ScoredPoint([property: JsonPropertyName("id")] JsonElement Id, [property: JsonPropertyName("score")] float Score);
}
