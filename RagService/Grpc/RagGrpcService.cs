using Contracts.Rag;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RagService.Repositories;
using RagService.Search;

namespace RagService.Grpc;

/// <summary>
/// <c>rag.v1.Rag</c> over <see cref="RepositoryCatalog"/>. Its exceptions become status codes in one place
/// (<see cref="RagGrpcErrors"/>): bad fields → INVALID_ARGUMENT, unknown repository or missing working tree →
/// NOT_FOUND, a tree outside the workspace roots → PERMISSION_DENIED, a repository that cannot be indexed →
/// FAILED_PRECONDITION, Qdrant unreachable → UNAVAILABLE.
/// </summary>
public sealed class RagGrpcService(RepositoryCatalog catalog, RepositoryInspector inspector) : Contracts.Rag.Rag.RagBase
{
    public override Task<RepositoryDescription> DescribeRepository(DescribeRepositoryRequest request, ServerCallContext context) =>
        Task.FromResult(inspector.Describe(request.Path, request.Branch.Trim()));

    public override async Task<IndexStatus> IndexRepository(IndexRepositoryRequest request, ServerCallContext context) =>
        ToStatus(await catalog.IndexAsync(request.Repo, request.Branch, request.Path, context.CancellationToken));

    public override async Task<HybridSearchReply> HybridSearch(HybridSearchRequest request, ServerCallContext context)
    {
        var search = new SearchRequest(request.Query, request.HasK ? request.K : SearchLimits.DefaultK,
            request.HasAlpha ? request.Alpha : SearchLimits.DefaultAlpha, request.PathPrefix);
        return ToReply(await catalog.SearchAsync(request.Repo, request.Branch, search, context.CancellationToken));
    }

    public override async Task<IndexStatus> GetIndexStatus(GetIndexStatusRequest request, ServerCallContext context) =>
        ToStatus(await catalog.GetStatusAsync(request.Repo, request.Branch, context.CancellationToken));

    public override async Task<ResolvePathsReply> ResolvePaths(ResolvePathsRequest request, ServerCallContext context)
    {
        var reply = new ResolvePathsReply();
        reply.Paths.AddRange((await catalog.ResolvePathsAsync(request.Repo, request.Branch, request.Paths, context.CancellationToken))
            .Select(r => new PathResolution { Path = r.Path, Exists = r.Exists, Normalized = r.Normalized }));
        return reply;
    }

    private static IndexStatus ToStatus(RegisteredRepository repository)
    {
        var status = repository.Status;
        return new IndexStatus
        {
            Repo = repository.Repo,
            Branch = repository.Branch,
            Path = repository.Path,
            State = status.State switch
            {
                IndexState.Indexing => IndexStatus.Types.State.Indexing,
                IndexState.Ready => IndexStatus.Types.State.Ready,
                IndexState.Failed => IndexStatus.Types.State.Failed,
                _ => IndexStatus.Types.State.NotIndexed,
            },
            Files = status.Files,
            Chunks = status.Chunks,
            FilesChanged = status.FilesChanged,
            FilesRemoved = status.FilesRemoved,
            IndexedAt = status.IndexedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
            DurationMs = status.DurationMs,
            Error = status.Error ?? string.Empty,
        };
    }

    private static HybridSearchReply ToReply(SearchResponse response)
    {
        var reply = new HybridSearchReply();
        reply.Hits.AddRange(response.Hits.Select(h => new Snippet
        {
            Path = h.Path,
            StartLine = h.StartLine,
            EndLine = h.EndLine,
            Symbol = h.Symbol,
            Text = h.Text,
            DenseScore = (float)h.Dense,
            LexicalScore = (float)h.Lexical,
            Score = (float)h.Score,
            Language = h.Language,
        }));
        reply.Files.AddRange(response.Files.Select(f => new Contracts.Rag.FileHit { Path = f.Path, Score = (float)f.Score }));
        return reply;
    }
}
