using System.ClientModel;
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
    private readonly int? dimensions;

    public OpenAiEmbedder(OpenAiEmbedderOptions options)
    {
        var clientOptions = new OpenAIClientOptions();
        if (!string.IsNullOrWhiteSpace(options.Endpoint)) clientOptions.Endpoint = new Uri(options.Endpoint);
        client = new EmbeddingClient(options.Model, new ApiKeyCredential(options.ApiKey), clientOptions);
        dimensions = options.Dimensions;
        ModelId = $"openai:{options.Model}:{options.Dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"}";
    }

    public string ModelId { get; }

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Count][];
        var generation = new EmbeddingGenerationOptions { Dimensions = dimensions };
        for (var offset = 0; offset < texts.Count; offset += BatchSize)
        {
            var batch = texts.Skip(offset).Take(BatchSize)
                .Select(t => string.IsNullOrWhiteSpace(t) ? " " : t.Length > MaxInputChars ? t[..MaxInputChars] : t)
                .ToList();
            var result = await client.GenerateEmbeddingsAsync(batch, generation, cancellationToken).ConfigureAwait(false);
            foreach (var embedding in result.Value)
            {
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
}
