using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tests.Infrastructure;

namespace Tests.Planner;

/// <summary>
/// An OpenAI-compatible chat endpoint for tests: a real Kestrel server on 127.0.0.1 (port 0) answering
/// <c>POST /v1/chat/completions</c> and <c>POST /chat/completions</c> with scripted responses in order, and
/// recording each request (path, authorization header, JSON body) for assertions.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> script = new();
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private KestrelTestHost host = null!;
    private Func<RecordedRequest, string>? responder;

    public sealed record ScriptedResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers);

    public sealed record RecordedRequest(string Path, string? Authorization, JsonObject Body)
    {
        public JsonArray Messages => Body["messages"]!.AsArray();
        public string MessageContent(int index) => Messages[index]!["content"]!.GetValue<string>();
        public string Role(int index) => Messages[index]!["role"]!.GetValue<string>();
        public string LastUserMessage => Messages.Last(m => m!["role"]!.GetValue<string>() == "user")!["content"]!.GetValue<string>();
    }

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var server = new FakeOpenAiServer();
        server.host = await KestrelTestHost.StartAsync("FakeOpenAI", _ => { }, app =>
        {
            app.MapPost("/v1/chat/completions", server.HandleAsync);
            app.MapPost("/chat/completions", server.HandleAsync);
        }, protocols: HttpProtocols.Http1);
        return server;
    }

    /// <summary>Base URL as <c>OpenAI:Endpoint</c> takes it (OpenAI style, ending in /v1).</summary>
    public string Endpoint => new Uri(host.Address, "/v1").ToString();

    /// <summary>The server root, for clients configured without /v1.</summary>
    public string RootEndpoint => host.Address.ToString();

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Once the script is used up, answer each request with the content this function makes of it.</summary>
    public FakeOpenAiServer ReplyAlways(Func<RecordedRequest, string> content)
    {
        responder = content;
        return this;
    }

    public FakeOpenAiServer Reply(string content, string finishReason = "stop", int promptTokens = 120, int completionTokens = 40) =>
        Completion(new JsonObject { ["role"] = "assistant", ["content"] = content }, finishReason, promptTokens, completionTokens);

    /// <summary>A structured-output refusal: no content, a <c>refusal</c> text instead.</summary>
    public FakeOpenAiServer Refuse(string refusal) =>
        Completion(new JsonObject { ["role"] = "assistant", ["content"] = null, ["refusal"] = refusal }, "stop", 50, 10);

    private FakeOpenAiServer Completion(JsonObject message, string finishReason, int promptTokens, int completionTokens)
    {
        script.Enqueue(new ScriptedResponse(200, CompletionBody(message, finishReason, promptTokens, completionTokens), new Dictionary<string, string>()));
        return this;
    }

    private static string CompletionBody(JsonObject message, string finishReason, int promptTokens, int completionTokens)
    {
        var body = new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = "gpt-4o-mini",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = finishReason,
                ["logprobs"] = null,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
        return body.ToJsonString();
    }

    public FakeOpenAiServer Fail(int status, IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = $"scripted failure {status}", ["type"] = "server_error", ["code"] = null },
        };
        script.Enqueue(new ScriptedResponse(status, body.ToJsonString(), headers ?? new Dictionary<string, string>()));
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject ?? [];
        var recorded = new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString(), body);
        requests.Enqueue(recorded);

        if (!script.TryDequeue(out var response) && responder is not null)
            response = new ScriptedResponse(200, CompletionBody(new JsonObject { ["role"] = "assistant", ["content"] = responder(recorded) }, "stop", 120, 40), new Dictionary<string, string>());
        if (response is null)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("""{"error":{"message":"the test scripted no more responses"}}""");
            return;
        }
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in response.Headers) context.Response.Headers[name] = value;
        await context.Response.WriteAsync(response.Body);
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();

    public static string PlanJson(params (string Goal, string Kind, string Path, string[] Symbols)[] steps) =>
        JsonSerializer.Serialize(new
        {
            steps = steps.Select(s => new { goal = s.Goal, kind = s.Kind, path = s.Path, symbols = s.Symbols }),
            rationale = new[] { "scripted rationale" },
        });
}
