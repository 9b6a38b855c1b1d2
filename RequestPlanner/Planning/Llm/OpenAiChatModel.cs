using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.Timeout;
using RequestPlanner.Planning.Prompting;

namespace RequestPlanner.Planning.Llm;

/// <summary>
/// The OpenAI .NET SDK's <see cref="ChatClient"/> asked for a plan under <see cref="PlanJsonSchema"/>, through
/// <see cref="LlmRetryPipeline"/>. Failures come out as <see cref="LlmUnavailableException"/> (transient, retry
/// budget spent) or <see cref="LlmRequestRejectedException"/> (fix the configuration).
/// </summary>
public sealed class OpenAiChatModel
{
    private readonly ChatClient client;
    private readonly OpenAiOptions options;
    private readonly ResiliencePipeline pipeline;
    private readonly PlannerMetrics metrics;
    private readonly PromptTokenizer tokenizer;

    public OpenAiChatModel(OpenAiOptions options, PromptTokenizer tokenizer, PlannerMetrics metrics, TimeProvider time, ILogger<OpenAiChatModel> logger)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new InvalidOperationException("Invalid OpenAI configuration: " + string.Join("; ", problems));

        this.options = options;
        this.metrics = metrics;
        this.tokenizer = tokenizer;
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // LlmRetryPipeline is the one retry policy
            NetworkTimeout = options.RequestTimeout,
        };
        if (!string.IsNullOrWhiteSpace(options.Endpoint)) clientOptions.Endpoint = new Uri(options.Endpoint);
        // The SDK insists on a credential; Ollama and vLLM ignore it, so a placeholder is fine for them.
        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? "unused" : options.ApiKey;
        client = new ChatClient(options.Model, new ApiKeyCredential(key), clientOptions);
        pipeline = LlmRetryPipeline.Create(options, time, logger, metrics.LlmRetried);
    }

    public string Model => options.Model;

    public async Task<ChatReply> CompleteAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ChatCompletion completion;
        try
        {
            completion = await pipeline.ExecuteAsync(async token =>
            {
                // Fresh options per attempt: the SDK fills in fields of the instance it is given.
                var chatOptions = new ChatCompletionOptions
                {
                    Temperature = options.Temperature,
                    MaxOutputTokenCount = options.MaxOutputTokens,
                    ResponseFormat = PlanJsonSchema.ResponseFormat(),
                };
                var result = await client.CompleteChatAsync(messages, chatOptions, token);
                return result.Value;
            }, cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new LlmUnavailableException(
                $"The LLM at {EndpointName} did not answer within {options.TotalTimeout.TotalSeconds:0.#} s including retries; check that it is up, or raise OpenAI:TotalTimeout.", e);
        }
        catch (Exception e) when (LlmRetryPipeline.IsTransient(e, cancellationToken))
        {
            throw new LlmUnavailableException(
                $"The LLM at {EndpointName} failed ({LlmRetryPipeline.Describe(e)}) after {options.MaxRetries} retries.", e);
        }
        catch (ClientResultException e)
        {
            throw new LlmRequestRejectedException(RejectionMessage(e.Status));
        }

        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        var input = completion.Usage?.InputTokenCount ?? messages.Sum(m => tokenizer.CountMessage(string.Concat(m.Content.Select(p => p.Text))));
        var output = completion.Usage?.OutputTokenCount ?? tokenizer.Count(text);
        metrics.TokensUsed(options.Model, input, output);
        return new ChatReply(text, completion.FinishReason, input, output, string.IsNullOrWhiteSpace(completion.Refusal) ? null : completion.Refusal);
    }

    private string EndpointName => string.IsNullOrWhiteSpace(options.Endpoint) ? "api.openai.com" : new Uri(options.Endpoint).Authority;

    private string RejectionMessage(int status) => status switch
    {
        401 or 403 => $"The LLM at {EndpointName} refused the credentials (HTTP {status}); check OpenAI:ApiKey.",
        404 => $"The LLM at {EndpointName} answered 404; check OpenAI:Endpoint (it should end in /v1 for OpenAI-compatible servers) and that model \"{options.Model}\" exists there.",
        400 or 422 => $"The LLM at {EndpointName} rejected the request (HTTP {status}); check that model \"{options.Model}\" supports JSON-schema structured output.",
        _ => $"The LLM at {EndpointName} rejected the request (HTTP {status}).",
    };
}
