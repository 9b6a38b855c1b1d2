using System.ClientModel;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RequestPlanner.Planning.Llm;

/// <summary>
/// Polly pipeline around one chat completion: a total timeout outside, retries inside on 429, 408, 5xx and
/// network failures with exponential backoff and jitter, waiting what Retry-After asks when the server says.
/// The SDK's own retry policy is switched off so that this is the only one (and the total is bounded by
/// <see cref="OpenAiOptions.TotalTimeout"/>).
/// </summary>
public static class LlmRetryPipeline
{
    public static ResiliencePipeline Create(OpenAiOptions options, TimeProvider time, ILogger logger, Action? onRetry = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    IsTransient(args.Outcome.Exception, args.Context.CancellationToken) &&
                    !(RetryAfter.From(args.Outcome.Exception, time) > options.MaxRetryDelay)),
                // Null keeps the exponential backoff; a Retry-After replaces it.
                DelayGenerator = args => ValueTask.FromResult(RetryAfter.From(args.Outcome.Exception, time)),
                OnRetry = args =>
                {
                    onRetry?.Invoke();
                    logger.LogWarning("LLM call failed ({Failure}); retry {Attempt} of {MaxRetries} in {Delay}",
                        Describe(args.Outcome.Exception), args.AttemptNumber + 1, options.MaxRetries, args.RetryDelay);
                    return default;
                },
            });
        }
        return builder.Build();
    }

    /// <summary>Worth another attempt: rate limits, server errors, timeouts, connection failures (status 0).</summary>
    public static bool IsTransient(Exception? exception, CancellationToken cancellationToken) => exception switch
    {
        ClientResultException { Status: 0 or 408 or 409 or 429 or >= 500 } => true,
        HttpRequestException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // a per-attempt network timeout
        TimeoutException => true,
        _ => false,
    };

    /// <summary>A failure in words without response bodies (which may echo parts of a key).</summary>
    public static string Describe(Exception? exception) => exception switch
    {
        ClientResultException { Status: > 0 } e => $"HTTP {e.Status}",
        ClientResultException => "no response: connection failed",
        OperationCanceledException or TimeoutException => "timed out",
        null => "no error",
        _ => exception.GetType().Name,
    };
}
