using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tests.Infrastructure;

namespace Tests.Rag;

/// <summary>
/// An OpenAI-compatible embeddings endpoint for tests: a real Kestrel server on 127.0.0.1 (port 0) answering
/// <c>POST /v1/embeddings</c> and <c>POST /embeddings</c>. Each input gets the vector <see cref="VectorOf"/> makes
/// of it (deliberately not unit length), the data items come back in reverse order (clients must use their
/// <c>index</c>), and honour <c>encoding_format</c> (the SDK asks for base64). Every request is recorded.
/// </summary>
public sealed class FakeEmbeddingsServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private KestrelTestHost host = null!;
    private (int Status, string Body)? failure;

    public sealed record RecordedRequest(string Path, string? Authorization, JsonObject Body)
    {
        public string Model => Body["model"]!.GetValue<string>();

        public IReadOnlyList<string> Inputs => [.. Body["input"]!.AsArray().Select(i => i!.GetValue<string>())];

        public int? Dimensions => Body["dimensions"]?.GetValue<int>();
    }

    public static async Task<FakeEmbeddingsServer> StartAsync()
    {
        var server = new FakeEmbeddingsServer();
        server.host = await KestrelTestHost.StartAsync("FakeOpenAIEmbeddings", _ => { }, app =>
        {
            app.MapPost("/v1/embeddings", server.HandleAsync);
            app.MapPost("/embeddings", server.HandleAsync);
        }, protocols: HttpProtocols.Http1);
        return server;
    }

    /// <summary>Base URL as <c>OpenAI:Endpoint</c> takes it (OpenAI style, ending in /v1).</summary>
    public string Endpoint => new Uri(host.Address, "/v1").ToString();

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>The raw vector served for <paramref name="input"/>: its length along the first axis, so inputs differ.</summary>
    public static float[] VectorOf(string input) => [input.Length, 2f, -3f];

    /// <summary>Answer every request with this status and OpenAI-style error body.</summary>
    public FakeEmbeddingsServer FailWith(int status, string message, string code)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = code },
        };
        failure = (status, body.ToJsonString());
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
        var recorded = new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString(), body);
        requests.Enqueue(recorded);
        context.Response.ContentType = "application/json";
        if (failure is { } fail)
        {
            context.Response.StatusCode = fail.Status;
            await context.Response.WriteAsync(fail.Body);
            return;
        }

        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        var inputs = recorded.Inputs;
        for (var index = inputs.Count - 1; index >= 0; index--)
        {
            var vector = VectorOf(inputs[index]);
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = index,
                ["embedding"] = base64
                    ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))
                    : new JsonArray([.. vector.Select(v => JsonValue.Create(v))]),
            });
        }

        var tokens = inputs.Sum(i => i.Length / 4 + 1);
        var reply = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = recorded.Model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        await context.Response.WriteAsync(reply.ToJsonString());
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
