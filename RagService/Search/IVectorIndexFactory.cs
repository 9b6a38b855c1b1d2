using Qdrant.Client;

namespace RagService.Search;

/// <summary>Creates the dense index of one repository.</summary>
public interface IVectorIndexFactory
{
    IVectorIndex Create(string repo, string branch);
}

/// <summary>The default: an in-process exact index per repository.</summary>
public sealed class ExactVectorIndexFactory : IVectorIndexFactory
{
    public IVectorIndex Create(string repo, string branch) => new ExactVectorIndex();
}

/// <summary>A Qdrant collection per repository and branch, when <c>ConnectionStrings:qdrant</c> is set.</summary>
public sealed class QdrantVectorIndexFactory(QdrantClient client) : IVectorIndexFactory
{
    public IVectorIndex Create(string repo, string branch) => new QdrantVectorIndex(client, QdrantVectorIndex.CollectionName(repo, branch));
}
