using Qdrant.Client;

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

/// <summary>A Qdrant collection per repository and branch, when <c>ConnectionStrings:qdrant</c> is set.</summary>
public sealed class QdrantVectorIndexFactory(QdrantClient client) : IVectorIndexFactory
{
    public IVectorIndex Create(string repo, string branch) => new QdrantVectorIndex(client, QdrantVectorIndex.CollectionName(repo, branch));
}
