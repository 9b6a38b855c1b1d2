using Microsoft.Extensions.Configuration;

namespace RagService.Search;

public static class EmbedderFactory
{
    /// <summary>OpenAI embeddings when <c>OpenAI:ApiKey</c> and <c>OpenAI:EmbeddingModel</c> are set, else the local hashing embedder.</summary>
    public static IEmbedder Create(IConfiguration configuration) =>
        OpenAiEmbedderOptions.FromConfiguration(configuration) is { } options ? new OpenAiEmbedder(options) : new HashingEmbedder();
}
