using System.ClientModel;
using System.Globalization;
using System.Net;
using OpenAI;
using OpenAI.Embeddings;

namespace RagService.Search;

/// <summary>
/// Embeddings from an OpenAI-compatible endpoint (OpenAI, Azure OpenAI v1, Ollama, vLLM) through the official SDK's
/// <see cref="EmbeddingClient"/>. Texts go in batches; every vector is L2-normalised again because not every
/// compatible server returns unit vectors.
/// </summary>
public sealed class OpenAiEmbedder : IEmbedder
{
    /// <summary>Inputs per request; OpenAI accepts up to 2048, smaller batches keep request bodies modest.</summary>
    public const int BatchSize = 64;

    /// <summary>Characters per input; embedding models cap input tokens (8191 for text-embedding-3-*).</summary>
    public const int MaxInputChars = 16_000;

    private readonly EmbeddingClient client;
    private readonly OpenAiEmbedderOptions options;

    public OpenAiEmbedder(OpenAiEmbedderOptions options)
    {
        var clientOptions = new OpenAIClientOptions();
        if (!string.IsNullOrWhiteSpace(options.Endpoint)) clientOptions.Endpoint = new Uri(options.Endpoint);
        client = new EmbeddingClient(options.Model, new ApiKeyCredential(options.ApiKey), clientOptions);
        this.options = options;
        ModelId = $"openai:{options.Model}:{options.Dimensions?.ToString(CultureInfo.InvariantCulture) ?? "default"}";
    }

    public string ModelId { get; }

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Count][];
        var generation = new EmbeddingGenerationOptions { Dimensions = options.Dimensions };
        for (var offset = 0; offset < texts.Count; offset += BatchSize)
        {
            var batch = texts.Skip(offset).Take(BatchSize)
                .Select(t => string.IsNullOrWhiteSpace(t) ? " " : t.Length > MaxInputChars ? t[..MaxInputChars] : t)
                .ToList();
            foreach (var embedding in await GenerateAsync(batch, generation, cancellationToken).ConfigureAwait(false))
            {
                // An index outside the batch would land on another batch's slot and be silently overwritten.
                if ((uint)embedding.Index >= (uint)batch.Count)
                    throw new InvalidOperationException($"The embeddings endpoint at {EndpointName} returned index {embedding.Index} for a batch of {batch.Count} inputs; check that it is OpenAI-compatible.");
                var vector = embedding.ToFloats().ToArray();
                VectorMath.NormalizeInPlace(vector);
                vectors[offset + embedding.Index] = vector;
            }
        }
        for (var i = 0; i < vectors.Length; i++)
        {
            if (vectors[i] is null) throw new InvalidOperationException($"The embeddings endpoint returned no vector for input {i}; check that the model supports batched input.");
        }
        return vectors;
    }

    private async Task<OpenAIEmbeddingCollection> GenerateAsync(List<string> batch, EmbeddingGenerationOptions generation, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GenerateEmbeddingsAsync(batch, generation, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ClientResultException e) when (e.Status > 0)
        {
            // The server's own text is left out on purpose: some servers echo the API key they were sent, and this
            // message ends up in the stored index status and the logs.
            throw new HttpRequestException(RejectionMessage(e.Status), null, (HttpStatusCode)e.Status);
        }
    }

    private string EndpointName => string.IsNullOrWhiteSpace(options.Endpoint) ? "api.openai.com" : new Uri(options.Endpoint).Authority;

    private string RejectionMessage(int status) => status switch
    {
        401 or 403 => $"The embeddings endpoint at {EndpointName} refused the credentials (HTTP {status}); check OpenAI:ApiKey.",
        404 => $"The embeddings endpoint at {EndpointName} answered 404; check OpenAI:Endpoint (it should end in /v1 for OpenAI-compatible servers) and that model \"{options.Model}\" exists there.",
        400 or 422 => $"The embeddings endpoint at {EndpointName} rejected the request (HTTP {status}); check that model \"{options.Model}\" is an embedding model and supports OpenAI:EmbeddingDimensions if set.",
        429 => $"The embeddings endpoint at {EndpointName} is rate-limiting (HTTP 429); index again later or raise the account's limits.",
        _ => $"The embeddings endpoint at {EndpointName} failed with HTTP {status}; check that it is up, then index again.",
    };
}
