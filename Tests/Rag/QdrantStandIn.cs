using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;

namespace Tests.Rag;

/// <summary>
/// A gRPC stand-in for Qdrant (no Qdrant server can run here): Grpc.AspNetCore on Kestrel, HTTP/2 over a real
/// socket, serving the calls RagService makes as Qdrant's own proto services define them (<c>qdrant.Collections</c>
/// CollectionExists and Create, <c>qdrant.Points</c> Upsert, Delete and Query), with the request and reply
/// messages of Qdrant.Client. It checks the <c>api-key</c> metadata and records what a real server would reject
/// (vector sizes, unknown collections, upserts that do not wait) in <see cref="Violations"/>.
/// </summary>
public sealed class QdrantStandIn : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string apiKey;
    private readonly ConcurrentDictionary<string, Collection> collections = new();

    private QdrantStandIn(WebApplication app, string apiKey) => (this.app, this.apiKey) = (app, apiKey);

    public Uri Address { get; private set; } = null!;
    public IReadOnlyDictionary<string, Collection> Collections => collections;
    public ConcurrentQueue<string> Calls { get; } = new();
    public ConcurrentQueue<string> Violations { get; } = new();

    public static async Task<QdrantStandIn> StartAsync(string apiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        QdrantStandIn? standIn = null;
        builder.Services.AddSingleton(_ => standIn!);
        var app = builder.Build();
        standIn = new QdrantStandIn(app, apiKey);
        app.MapGrpcService<CollectionsService>();
        app.MapGrpcService<PointsService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Address = new Uri(address);
        return standIn;
    }

    public sealed class Collection(ulong size, Distance distance)
    {
        public ulong Size { get; } = size;
        public Distance Distance { get; } = distance;
        public ConcurrentDictionary<ulong, (float[] Vector, string Path)> Points { get; } = new();
    }

    private void Authorize(string method, ServerCallContext context)
    {
        Calls.Enqueue(method);
        if (context.RequestHeaders.GetValue("api-key") != apiKey)
            throw Reject(StatusCode.Unauthenticated, $"{method}: missing or wrong api-key");
    }

    private Collection Find(string method, string name) =>
        collections.TryGetValue(name, out var c) ? c : throw Reject(StatusCode.NotFound, $"{method}: Collection `{name}` doesn't exist!");

    private RpcException Reject(StatusCode code, string message)
    {
        Violations.Enqueue(message);
        return new RpcException(new Status(code, message));
    }

    /// <summary>Unary method descriptors named after Qdrant's proto (checked against the client's file descriptor).</summary>
    private static Method<TRequest, TReply> Unary<TRequest, TReply>(FileDescriptor file, string name)
        where TRequest : class, IMessage<TRequest>, new() where TReply : class, IMessage<TReply>, new()
    {
        var service = file.Services.Single();
        _ = service.FindMethodByName(name) ?? throw new InvalidOperationException($"{service.FullName} has no method {name}");
        return new Method<TRequest, TReply>(MethodType.Unary, service.FullName, name, Marshal<TRequest>(), Marshal<TReply>());
    }

    private static Marshaller<T> Marshal<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
    }

    [BindServiceMethod(typeof(CollectionsService), nameof(BindService))]
    public class CollectionsService(QdrantStandIn qdrant)
    {
        public static void BindService(ServiceBinderBase binder, CollectionsService? service)
        {
            var file = CollectionsServiceReflection.Descriptor;
            binder.AddMethod(Unary<CollectionExistsRequest, CollectionExistsResponse>(file, "CollectionExists"), service is null ? null : service.CollectionExists);
            binder.AddMethod(Unary<CreateCollection, CollectionOperationResponse>(file, "Create"), service is null ? null : service.Create);
        }

        public virtual Task<CollectionExistsResponse> CollectionExists(CollectionExistsRequest request, ServerCallContext context)
        {
            qdrant.Authorize("CollectionExists", context);
            return Task.FromResult(new CollectionExistsResponse { Result = new Qdrant.Client.Grpc.CollectionExists { Exists = qdrant.collections.ContainsKey(request.CollectionName) } });
        }

        public virtual Task<CollectionOperationResponse> Create(CreateCollection request, ServerCallContext context)
        {
            qdrant.Authorize("Create", context);
            if (request.VectorsConfig?.Params is not { Size: > 0 } vectors)
                throw qdrant.Reject(StatusCode.InvalidArgument, "Create: vectors_config.params.size must be positive");
            if (!qdrant.collections.TryAdd(request.CollectionName, new Collection(vectors.Size, vectors.Distance)))
                throw qdrant.Reject(StatusCode.AlreadyExists, $"Create: Collection `{request.CollectionName}` already exists!");
            return Task.FromResult(new CollectionOperationResponse { Result = true });
        }
    }

    [BindServiceMethod(typeof(PointsService), nameof(BindService))]
    public class PointsService(QdrantStandIn qdrant)
    {
        public static void BindService(ServiceBinderBase binder, PointsService? service)
        {
            var file = PointsServiceReflection.Descriptor;
            binder.AddMethod(Unary<UpsertPoints, PointsOperationResponse>(file, "Upsert"), service is null ? null : service.Upsert);
            binder.AddMethod(Unary<DeletePoints, PointsOperationResponse>(file, "Delete"), service is null ? null : service.Delete);
            binder.AddMethod(Unary<QueryPoints, QueryResponse>(file, "Query"), service is null ? null : service.Query);
        }

        public virtual Task<PointsOperationResponse> Upsert(UpsertPoints request, ServerCallContext context)
        {
            qdrant.Authorize("Upsert", context);
            var collection = qdrant.Find("Upsert", request.CollectionName);
            if (!request.Wait) throw qdrant.Reject(StatusCode.InvalidArgument, "Upsert: wait=true, so that a search right after sees the points");
            foreach (var point in request.Points)
            {
                if (point.Id?.PointIdOptionsCase != PointId.PointIdOptionsOneofCase.Num)
                    throw qdrant.Reject(StatusCode.InvalidArgument, "Upsert: point ids are unsigned integers here");
                var vector = point.Vectors?.Vector?.Dense?.Data;
                if (vector is null || (ulong)vector.Count != collection.Size)
                    throw qdrant.Reject(StatusCode.InvalidArgument, $"Upsert: Wrong input: Vector dimension error: expected dim: {collection.Size}, got {vector?.Count ?? 0}");
                collection.Points[point.Id.Num] = ([.. vector], point.Payload.TryGetValue("path", out var path) ? path.StringValue : "");
            }
            return Task.FromResult(Completed());
        }

        public virtual Task<PointsOperationResponse> Delete(DeletePoints request, ServerCallContext context)
        {
            qdrant.Authorize("Delete", context);
            var collection = qdrant.Find("Delete", request.CollectionName);
            var must = request.Points?.Filter?.Must;
            if (!request.Wait || must is not { Count: 1 } || must[0].Field is not { Key: "path", Match.MatchValueCase: Match.MatchValueOneofCase.Keyword } field)
                throw qdrant.Reject(StatusCode.InvalidArgument, "Delete: expected wait=true and a filter must=[path matches keyword]");
            foreach (var (id, point) in collection.Points)
                if (point.Path == field.Match.Keyword) collection.Points.TryRemove(id, out _);
            return Task.FromResult(Completed());
        }

        public virtual Task<QueryResponse> Query(QueryPoints request, ServerCallContext context)
        {
            qdrant.Authorize("Query", context);
            var collection = qdrant.Find("Query", request.CollectionName);
            var vector = request.Query?.Nearest?.Dense?.Data;
            if (vector is null || (ulong)vector.Count != collection.Size || request.Limit == 0)
                throw qdrant.Reject(StatusCode.InvalidArgument, $"Query: needs query.nearest.dense with {collection.Size} floats and a positive limit");
            var query = vector.ToArray();
            var reply = new QueryResponse();
            reply.Result.AddRange(collection.Points
                .Select(p => new ScoredPoint { Id = new PointId { Num = p.Key }, Score = Cosine(query, p.Value.Vector) })
                .OrderByDescending(p => p.Score).Take((int)request.Limit));
            return Task.FromResult(reply);
        }

        private static PointsOperationResponse Completed() => new() { Result = new UpdateResult { OperationId = 1, Status = UpdateStatus.Completed } };
    }

    private static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return (float)(dot / (Math.Sqrt(na) * Math.Sqrt(nb) + 1e-12));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
