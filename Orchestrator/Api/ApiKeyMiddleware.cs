using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Orchestrator.Api;

/// <summary>
/// When API keys are configured, every request needs <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>,
/// except the probes (<c>/health</c>, <c>/alive</c>) and the web page's own files (<see cref="PublicEndpoint"/>), which
/// hold no data: the page asks for the key and sends it on every API call. <c>/metrics</c> needs the key too
/// (Prometheus: <c>authorization: {credentials: KEY}</c>). Keys are compared as SHA-256 digests in constant time and never logged.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<ApiKeyOptions> options, ILogger<ApiKeyMiddleware> logger)
{
    public const string HeaderName = "X-Api-Key";

    private static readonly PathString[] ProbePaths = ["/health", "/alive"];

    public async Task InvokeAsync(HttpContext context)
    {
        var keys = options.CurrentValue.ApiKeys.Where(k => !string.IsNullOrEmpty(k)).ToList();
        if (keys.Count == 0 || IsPublic(context)) { await next(context); return; }

        var presented = PresentedKey(context.Request);
        if (presented is not null && Matches(presented, keys)) { await next(context); return; }

        logger.LogWarning("Rejected {Method} {Path} from {RemoteIp}: {Reason}", context.Request.Method,
            context.Request.Path, context.Connection.RemoteIpAddress, presented is null ? "no API key" : "unknown API key");
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: $"Send a configured API key as 'Authorization: Bearer <key>' or '{HeaderName}: <key>'.").ExecuteAsync(context);
    }

    private static bool IsPublic(HttpContext context) =>
        ProbePaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
        || context.GetEndpoint()?.Metadata.GetMetadata<PublicEndpoint>() is not null;

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        var header = request.Headers[HeaderName].ToString();
        return header.Length > 0 ? header.Trim() : null;
    }

    private static bool Matches(string presented, IEnumerable<string> keys)
    {
        var presentedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in keys)
            match |= CryptographicOperations.FixedTimeEquals(presentedDigest, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return match;
    }
}

/// <summary>Endpoint metadata: served without an API key (the web page's static files).</summary>
public sealed class PublicEndpoint
{
    public static PublicEndpoint Instance { get; } = new();
}
