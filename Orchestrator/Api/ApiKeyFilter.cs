using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Orchestrator.Api;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c> when API keys are configured.
/// Keys are compared as SHA-256 digests in constant time (no early exit, no length leak) and never logged.
/// </summary>
public sealed class ApiKeyFilter(IOptionsMonitor<ApiKeyOptions> options, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var keys = options.CurrentValue.ApiKeys.Where(k => !string.IsNullOrEmpty(k)).ToList();
        if (keys.Count == 0) return await next(context);

        var presented = PresentedKey(context.HttpContext.Request);
        if (presented is not null && Matches(presented, keys)) return await next(context);

        logger.LogWarning("Rejected {Method} {Path} from {RemoteIp}: {Reason}", context.HttpContext.Request.Method,
            context.HttpContext.Request.Path, context.HttpContext.Connection.RemoteIpAddress, presented is null ? "no API key" : "unknown API key");
        context.HttpContext.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: $"Send a configured API key as 'Authorization: Bearer <key>' or '{HeaderName}: <key>'.");
    }

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
