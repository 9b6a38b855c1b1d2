using System.Net;
using System.Numerics.Tensors;
using Microsoft.Extensions.Configuration;
using RagService.Search;

namespace Tests.Rag;

/// <summary>The OpenAI embedder driven through the real OpenAI SDK against <see cref="FakeEmbeddingsServer"/>.</summary>
public sealed class OpenAiEmbedderTests : IAsyncLifetime
{
    private const string ApiKey = "sk-test-embeddings-0123456789abcdef";
    private const string Model = "text-embedding-3-small";

    private FakeEmbeddingsServer server = null!;

    public async Task InitializeAsync() => server = await FakeEmbeddingsServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>Built the way the service builds it: from the <c>OpenAI</c> configuration section.</summary>
    private IEmbedder CreateEmbedder(int? dimensions = 3)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenAI:Endpoint"] = server.Endpoint,
            ["OpenAI:ApiKey"] = ApiKey,
            ["OpenAI:EmbeddingModel"] = Model,
            ["OpenAI:EmbeddingDimensions"] = dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        return Assert.IsType<OpenAiEmbedder>(EmbedderFactory.Create(configuration));
    }

    [Fact]
    public async Task Texts_go_in_batches_of_the_configured_model_and_vectors_come_back_in_input_order_normalised()
    {
        var embedder = CreateEmbedder();
        // More than one batch; an empty text, a blank one and an oversized one are sent in a form the API accepts.
        var texts = Enumerable.Range(0, OpenAiEmbedder.BatchSize + 6).Select(i => new string('t', i + 1)).ToList();
        texts[3] = "";
        texts[5] = "  \n ";
        texts[OpenAiEmbedder.BatchSize + 2] = new string('x', OpenAiEmbedder.MaxInputChars + 500);

        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);

        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("/v1/embeddings", r.Path);
            Assert.Equal($"Bearer {ApiKey}", r.Authorization);
            Assert.Equal(Model, r.Model);
            Assert.Equal(3, r.Dimensions);
        });
        var sent = requests.SelectMany(r => r.Inputs).ToList();
        Assert.Equal(OpenAiEmbedder.BatchSize, requests[0].Inputs.Count);
        Assert.Equal(6, requests[1].Inputs.Count);
        Assert.Equal(texts.Count, sent.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = i switch
            {
                3 or 5 => " ",
                _ when texts[i].Length > OpenAiEmbedder.MaxInputChars => texts[i][..OpenAiEmbedder.MaxInputChars],
                _ => texts[i],
            };
            Assert.Equal(expected, sent[i]);
        }

        Assert.Equal(texts.Count, vectors.Length);
        for (var i = 0; i < texts.Count; i++)
        {
            var raw = FakeEmbeddingsServer.VectorOf(sent[i]);
            var norm = TensorPrimitives.Norm(raw);
            Assert.Equal(1.0, TensorPrimitives.Norm(vectors[i]), 5);
            Assert.Equal(raw.Select(v => (double)(v / norm)), vectors[i].Select(v => (double)v), (a, b) => Math.Abs(a - b) < 1e-6);
        }

        Assert.Equal($"openai:{Model}:3", embedder.ModelId);
    }

    [Fact]
    public async Task A_query_is_embedded_alone_and_without_dimensions_when_none_are_configured()
    {
        var embedder = CreateEmbedder(dimensions: null);

        var vector = await embedder.EmbedQueryAsync("cancel an order", termWeight: _ => 5.0, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal(["cancel an order"], request.Inputs);
        Assert.Null(request.Dimensions);
        var raw = FakeEmbeddingsServer.VectorOf("cancel an order");
        Assert.Equal(raw[0] / TensorPrimitives.Norm(raw), vector[0], 5);
        Assert.Equal($"openai:{Model}:default", embedder.ModelId);
    }

    [Fact]
    public async Task Refused_credentials_give_an_error_that_says_what_to_check_and_never_carries_the_key()
    {
        // A careless server echoes the key it was given; the error must still not carry it.
        server.FailWith(401, $"Incorrect API key provided: {ApiKey}. You can find your API key at https://platform.openai.com.", "invalid_api_key");
        var embedder = CreateEmbedder();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => embedder.EmbedAsync(["some code"], CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("401", error.Message);
        Assert.Contains("OpenAI:ApiKey", error.Message);
        Assert.Contains(new Uri(server.Endpoint).Authority, error.Message);
        Assert.DoesNotContain(ApiKey, error.ToString());
        Assert.DoesNotContain("sk-test", error.ToString());
    }

    [Fact]
    public async Task An_unknown_model_names_the_model_and_the_endpoint_setting()
    {
        server.FailWith(404, $"The model '{Model}' does not exist", "model_not_found");
        var embedder = CreateEmbedder();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => embedder.EmbedAsync(["some code"], CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains(Model, error.Message);
        Assert.Contains("OpenAI:Endpoint", error.Message);
    }
}
