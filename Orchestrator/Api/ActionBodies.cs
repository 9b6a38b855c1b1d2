using System.Text.Json;

namespace Orchestrator.Api;

/// <summary>Bodies of a person's actions on a request.</summary>
public static class ActionBodies
{
    private const int MaxReasonLength = 500;

    /// <summary>The optional <c>{"reason": "..."}</c> body of an action.</summary>
    public static async Task<(string? Text, IResult? Error)> ReasonAsync(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength is null or 0 && !request.HasJsonContentType()) return (null, null);
        try
        {
            var body = await request.ReadFromJsonAsync<ActionReason>(options, cancellationToken);
            var text = body?.Reason?.Trim();
            if (text is { Length: > MaxReasonLength } || (text?.Any(char.IsControl) ?? false))
                return (null, Invalid($"reason must be at most {MaxReasonLength} characters without control characters."));
            return (text, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return (null, Invalid($"The body must be JSON like {{\"reason\": \"...\"}}: {ex.Message}"));
        }
    }

    public static IResult Invalid(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The action is not valid.", detail: detail);

    private sealed record ActionReason(string? Reason);
}
