using Microsoft.Extensions.Configuration;

namespace RagService.Search;

/// <summary>Configuration section <c>OpenAI</c>: Endpoint (optional for api.openai.com), ApiKey, EmbeddingModel, EmbeddingDimensions (optional).</summary>
public sealed record OpenAiEmbedderOptions(string? Endpoint, string ApiKey, string Model, int? Dimensions)
{
    /// <summary>Null unless both an API key and an embedding model are configured.</summary>
    public static OpenAiEmbedderOptions? FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("OpenAI");
        var key = section["ApiKey"];
        var model = section["EmbeddingModel"];
        if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(model)) return null;
        int? dims = int.TryParse(section["EmbeddingDimensions"], out var d) && d > 0 ? d : null;
        return new OpenAiEmbedderOptions(section["Endpoint"], key, model, dims);
    }

    public override string ToString() => $"OpenAiEmbedderOptions {{ Endpoint = {Endpoint}, Model = {Model}, Dimensions = {Dimensions} }}";
}
