namespace RequestPlanner.Planning.Llm;

/// <summary>
/// The <c>OpenAI</c> configuration section. Any OpenAI-compatible chat endpoint works: OpenAI (leave
/// <see cref="Endpoint"/> empty), Azure OpenAI's v1 API (<c>https://NAME.openai.azure.com/openai/v1/</c>),
/// Ollama (<c>http://localhost:11434/v1</c>), vLLM (<c>http://host:8000/v1</c>). With both Endpoint and
/// ApiKey empty no LLM is configured and the retrieval planner runs instead.
/// </summary>
public sealed class OpenAiOptions
{
    public const string SectionName = "OpenAI";

    public string Endpoint { get; set; } = "";
    /// <summary>Secret: never logged. Local servers (Ollama, vLLM) accept any value.</summary>
    public string ApiKey { get; set; } = "";
    public string Model { get; set; } = "gpt-4o-mini";
    public float Temperature { get; set; } = 0.1f;
    /// <summary>Upper bound on the reply; a plan that needs more is truncated (finish_reason=length) and repaired.</summary>
    public int MaxOutputTokens { get; set; } = 2_000;
    /// <summary>One HTTP attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Retries after the first attempt on 429, 408, 5xx and network errors.</summary>
    public int MaxRetries { get; set; } = 3;
    /// <summary>First backoff delay; doubles each retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// Longest single wait. A Retry-After beyond it ends the retries at once (the consumer loop retries
    /// the message later) instead of blocking the partition.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(20);
    /// <summary>Bound on one completion including all retries and waits.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(150);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>Configuration mistakes in words (never echoing the key); empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(Endpoint) &&
            (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add("OpenAI:Endpoint must be an absolute http(s) URL such as https://api.openai.com/v1");
        if (string.IsNullOrWhiteSpace(Model)) errors.Add("OpenAI:Model must name a chat model, e.g. gpt-4o-mini");
        if (Temperature is < 0 or > 2) errors.Add("OpenAI:Temperature must be between 0 and 2");
        if (MaxOutputTokens < 100) errors.Add("OpenAI:MaxOutputTokens must be at least 100");
        if (MaxRetries is < 0 or > 10) errors.Add("OpenAI:MaxRetries must be between 0 and 10");
        if (RequestTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero) errors.Add("OpenAI:RequestTimeout and OpenAI:TotalTimeout must be positive");
        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay) errors.Add("OpenAI:RetryBaseDelay must be >= 0 and <= OpenAI:MaxRetryDelay");
        return errors;
    }
}
