using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace RagService.Search;

/// <summary>
/// Dense index in a Qdrant collection through Qdrant.Client (gRPC). Points carry the file's path as payload so
/// a file's vectors are deleted by a filter on it; the collection (cosine distance) is created on the first
/// upsert, sized by the first vector.
/// </summary>
public sealed class QdrantVectorIndex(QdrantClient client, string collection) : IVectorIndex
{
    /// <summary>Points per upsert call, keeping messages to a few MB (gRPC's default limit is 4 MB).</summary>
    public const int UpsertBatchSize = 128;
    private const string PathField = "path";

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
        await EnsureCollectionAsync((ulong)entries[0].Vector.Length, cancellationToken).ConfigureAwait(false);
        foreach (var batch in entries.Chunk(UpsertBatchSize))
        {
            var points = batch.Select(e => new PointStruct { Id = unchecked((ulong)e.Id), Vectors = e.Vector, Payload = { [PathField] = e.Path } }).ToList();
            await CallAsync("upsert points", () => client.UpsertAsync(collection, points, wait: true, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task RemoveFileAsync(string path, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (!await CollectionExistsAsync(cancellationToken).ConfigureAwait(false)) return;
        var filter = Conditions.MatchKeyword(PathField, path);
        await CallAsync("delete points", () => client.DeleteAsync(collection, filter, wait: true, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(float[] query, int limit, CancellationToken cancellationToken)
    {
        if (!await CollectionExistsAsync(cancellationToken).ConfigureAwait(false)) return [];
        var points = await CallAsync("query points", () => client.QueryAsync(collection, query, limit: (ulong)limit, payloadSelector: false, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return points.Select(p => new VectorMatch(unchecked((long)p.Id.Num), p.Score)).ToList();
    }

    private async Task EnsureCollectionAsync(ulong dimensions, CancellationToken cancellationToken)
    {
        if (collectionReady) return;
        await createGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await CollectionExistsAsync(cancellationToken).ConfigureAwait(false)) return;
            await CallAsync<object?>("create collection", async () => { await client.CreateCollectionAsync(collection, new VectorParams { Size = dimensions, Distance = Distance.Cosine }, cancellationToken: cancellationToken).ConfigureAwait(false); return null; }).ConfigureAwait(false);
            collectionReady = true;
        }
        finally
        {
            createGate.Release();
        }
    }

    private async Task<bool> CollectionExistsAsync(CancellationToken cancellationToken)
    {
        if (collectionReady) return true;
        collectionReady = await CallAsync("check the collection", () => client.CollectionExistsAsync(collection, cancellationToken)).ConfigureAwait(false);
        return collectionReady;
    }

    /// <summary>Names the operation, the collection and what to check; Qdrant's status detail never holds the key.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new QdrantUnavailableException(
                $"Qdrant failed to {operation} on collection '{collection}' ({e.StatusCode}: {e.Status.Detail}). " +
                "Check that Qdrant is running and the qdrant connection string (Endpoint=http://host:6334, Key) is right.", e);
        }
    }
}
