using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tests.Rag;

/// <summary>
/// A local HTTP stand-in for Qdrant (no Qdrant server can run here) on real Kestrel. It implements the subset of
/// Qdrant's REST API the client uses, and rejects any request whose shape differs from Qdrant's documented API:
/// <c>GET/PUT /collections/{name}</c> with <c>{"vectors":{"size":N,"distance":"Cosine"}}</c>,
/// <c>PUT /collections/{name}/points?wait=true</c> with <c>{"points":[{"id":unsigned,"vector":[N floats],"payload":{}}]}</c>,
/// <c>POST /collections/{name}/points/search</c> with <c>{"vector":[...],"limit":n}</c>,
/// <c>POST /collections/{name}/points/delete?wait=true</c> with <c>{"filter":{"must":[{"key":k,"match":{"value":v}}]}}</c>,
/// and the <c>api-key</c> header. Responses follow Qdrant's envelope <c>{"result":...,"status":"ok","time":...}</c>.
/// </summary>
public sealed class QdrantStandIn : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Collection> collections = new();

    public List<string> Requests { get; } = [];
    public List<string> Violations { get; } = [];

    private QdrantStandIn(WebApplication app) => this.app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyDictionary<string, Collection> Collections => collections;

    public static async Task<QdrantStandIn> StartAsync(string apiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Explicit HTTP/1.1 listener: the test folder's appsettings.json (from the gRPC services) defaults Kestrel to HTTP/2.
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new QdrantStandIn(app);
        standIn.Map(apiKey);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        return standIn;
    }

    public sealed class Collection(int size, string distance)
    {
        public int Size { get; } = size;
        public string Distance { get; } = distance;
        public ConcurrentDictionary<long, (float[] Vector, JsonObject Payload)> Points { get; } = new();
    }

    private void Map(string apiKey)
    {
        app.Use(async (context, next) =>
        {
            lock (Requests) Requests.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            if (context.Request.Headers["api-key"] != apiKey)
            {
                await Reject(context, 401, "missing or wrong api-key header");
                return;
            }
            await next();
        });

        app.MapGet("/collections/{name}", (string name) =>
            collections.TryGetValue(name, out var c)
                ? Ok(new JsonObject { ["status"] = "green", ["points_count"] = c.Points.Count })
                : Results.Json(new { status = new { error = $"Not found: Collection `{name}` doesn't exist!" }, time = 0.0 }, statusCode: 404));

        app.MapPut("/collections/{name}", async (string name, HttpContext context) =>
        {
            var body = await Body(context);
            var vectors = body?["vectors"];
            if (vectors?["size"] is not JsonValue size || !size.TryGetValue<int>(out var n) || n <= 0 || vectors["distance"]?.GetValue<string>() is not ("Cosine" or "Dot" or "Euclid" or "Manhattan"))
                return Violation(context, "create collection needs {\"vectors\":{\"size\":int,\"distance\":\"Cosine|Dot|Euclid|Manhattan\"}}");
            if (!collections.TryAdd(name, new Collection(n, vectors["distance"]!.GetValue<string>())))
                return Results.Json(new { status = new { error = "collection already exists" } }, statusCode: 409);
            return Ok(JsonValue.Create(true));
        });

        app.MapPut("/collections/{name}/points", async (string name, HttpContext context) =>
        {
            if (!collections.TryGetValue(name, out var c)) return Results.Json(new { status = new { error = "Not found" } }, statusCode: 404);
            if (context.Request.Query["wait"] != "true") return Violation(context, "upsert should wait=true so a search right after sees the points");
            var body = await Body(context);
            if (body?["points"] is not JsonArray points) return Violation(context, "upsert needs {\"points\":[...]}");
            foreach (var point in points)
            {
                if (point?["id"] is not JsonValue id || !id.TryGetValue<long>(out var pointId) || pointId < 0)
                    return Violation(context, "point id must be an unsigned integer or UUID");
                if (point["vector"] is not JsonArray vector || vector.Count != c.Size)
                    return Violation(context, $"point vector must be an array of {c.Size} floats");
                var payload = point["payload"] as JsonObject ?? [];
                c.Points[pointId] = (vector.Select(v => v!.GetValue<float>()).ToArray(), (JsonObject)payload.DeepClone());
            }
            return Ok(new JsonObject { ["operation_id"] = 1, ["status"] = "completed" });
        });

        app.MapPost("/collections/{name}/points/search", async (string name, HttpContext context) =>
        {
            if (!collections.TryGetValue(name, out var c)) return Results.Json(new { status = new { error = "Not found" } }, statusCode: 404);
            var body = await Body(context);
            if (body?["vector"] is not JsonArray vector || vector.Count != c.Size) return Violation(context, $"search needs \"vector\" with {c.Size} floats");
            if (body["limit"] is not JsonValue limitValue || !limitValue.TryGetValue<int>(out var limit) || limit < 1) return Violation(context, "search needs a positive \"limit\"");
            var query = vector.Select(v => v!.GetValue<float>()).ToArray();
            var result = new JsonArray();
            foreach (var (id, score) in c.Points.Select(p => (p.Key, Cosine(query, p.Value.Vector))).OrderByDescending(p => p.Item2).Take(limit))
                result.Add(new JsonObject { ["id"] = id, ["version"] = 0, ["score"] = score });
            return Ok(result);
        });

        app.MapPost("/collections/{name}/points/delete", async (string name, HttpContext context) =>
        {
            if (!collections.TryGetValue(name, out var c)) return Results.Json(new { status = new { error = "Not found" } }, statusCode: 404);
            if (context.Request.Query["wait"] != "true") return Violation(context, "delete should wait=true");
            var body = await Body(context);
            if (body?["filter"]?["must"] is not JsonArray must || must.Count == 0) return Violation(context, "delete needs {\"points\":[...]} or {\"filter\":{\"must\":[...]}}");
            var conditions = new List<(string Key, string Value)>();
            foreach (var condition in must)
            {
                if (condition?["key"]?.GetValue<string>() is not { } key || condition["match"]?["value"]?.GetValue<string>() is not { } value)
                    return Violation(context, "filter condition must be {\"key\":...,\"match\":{\"value\":...}}");
                conditions.Add((key, value));
            }
            foreach (var (id, point) in c.Points)
            {
                if (conditions.All(cond => point.Payload[cond.Key]?.GetValue<string>() == cond.Value)) c.Points.TryRemove(id, out _);
            }
            return Ok(new JsonObject { ["operation_id"] = 2, ["status"] = "completed" });
        });
    }

    private static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return (float)(dot / (Math.Sqrt(na) * Math.Sqrt(nb) + 1e-12));
    }

    private static IResult Ok(JsonNode? result) => Results.Json(new JsonObject { ["result"] = result, ["status"] = "ok", ["time"] = 0.001 });

    private IResult Violation(HttpContext context, string message)
    {
        lock (Violations) Violations.Add($"{context.Request.Method} {context.Request.Path}: {message}");
        return Results.Json(new { status = new { error = message } }, statusCode: 400);
    }

    private async Task Reject(HttpContext context, int status, string message)
    {
        lock (Violations) Violations.Add($"{context.Request.Method} {context.Request.Path}: {message}");
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { status = new { error = message } });
    }

    private static async Task<JsonNode?> Body(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return null;
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
