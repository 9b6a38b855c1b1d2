using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

/// <summary>
/// Indexing with the hashing embedder tokenizes each chunk once for its vector and its BM25 terms: both must be exactly
/// what embedding the chunk's text and counting its document separately give, or stored indexes would drift from queries.
/// </summary>
public sealed class ChunkAnalysisTests
{
    [Theory]
    [InlineData(SampleRepository.CSharpPath, SampleRepository.CSharp)]
    [InlineData(SampleRepository.PythonPath, SampleRepository.Python)]
    [InlineData(SampleRepository.GoPath, SampleRepository.Go)]
    [InlineData(SampleRepository.TypeScriptPath, SampleRepository.TypeScript)]
    public async Task One_tokenization_gives_the_vector_and_terms_of_embedding_and_counting_apart(string path, string text)
    {
        var embedder = new HashingEmbedder();
        var chunks = new ChunkerSelector(ChunkingOptions.Default).Chunk(path, text);
        Assert.NotEmpty(chunks);
        foreach (var chunk in chunks)
        {
            var (vector, terms) = ChunkAnalysis.Analyze(embedder, chunk);

            var expected = (await embedder.EmbedAsync([RepositoryIndexer.EmbeddingText(chunk)], CancellationToken.None))[0];
            Assert.Equal(expected, vector);
            var counted = Bm25Terms.FromChunk(chunk.Path, chunk.Symbol, chunk.Text);
            Assert.Equal(counted.Terms, terms.Terms);
            Assert.Equal(counted.Frequencies, terms.Frequencies);
            Assert.Equal(counted.Lengths, terms.Lengths);
        }
    }
}
