namespace RagService.Search;

/// <summary>Creates the dense index of one repository.</summary>
public interface IVectorIndexFactory
{
    IVectorIndex Create(string repo, string branch);
}

/// <summary>The default: an in-process quantised index per repository.</summary>
public sealed class QuantizedVectorIndexFactory : IVectorIndexFactory
{
    public IVectorIndex Create(string repo, string branch) => new QuantizedVectorIndex();
}

/// <summary>A Qdrant collection per repository and branch, when <c>ConnectionStrings:qdrant_http</c> is set.</summary>
public sealed class QdrantVectorIndexFactory(HttpClient http, QdrantConnection connection) : IVectorIndexFactory
{
    public IVectorIndex Create(string repo, string branch) => new QdrantVectorIndex(http, connection, QdrantVectorIndex.CollectionName(repo, branch));
}
