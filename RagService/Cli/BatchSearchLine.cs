using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagService.Cli;

/// <summary>One line of batch input: <c>{"id": "...", "query": "..."}</c>.</summary>
public sealed record BatchQuery(
    [property: JsonPropertyName("id")] JsonElement Id,
    [property: JsonPropertyName("query")] string? Query);

/// <summary>One line of batch output: <c>{"id", "files", "hits": [{"path", "start_line", "end_line", "symbol", "score"}]}</c>.</summary>
public sealed record BatchResult(
    [property: JsonPropertyName("id")] JsonElement Id,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("hits")] IReadOnlyList<BatchHit> Hits);

public sealed record BatchHit(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("start_line")] int StartLine,
    [property: JsonPropertyName("end_line")] int EndLine,
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("score")] double Score);
