namespace RagService.Indexing;

/// <summary>Splits one file's text into chunks.</summary>
public interface ISourceChunker
{
    List<CodeChunk> Chunk(string path, string text);
}
