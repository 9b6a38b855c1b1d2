using System.ClientModel;
using System.Globalization;

namespace RequestPlanner.Planning.Llm;

/// <summary>
/// The server's requested wait, from <c>retry-after-ms</c> (OpenAI, Azure OpenAI) or <c>Retry-After</c>
/// (seconds or an HTTP date, RFC 9110 section 10.2.3).
/// </summary>
public static class RetryAfter
{
    public static TimeSpan? From(Exception? exception, TimeProvider time)
    {
        if (exception is not ClientResultException result || result.GetRawResponse() is not { } response) return null;
        var headers = response.Headers;
        if (headers.TryGetValue("retry-after-ms", out var ms) &&
            double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            return TimeSpan.FromMilliseconds(milliseconds);
        if (!headers.TryGetValue("Retry-After", out var value) || value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
