using Contracts.Rag;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Routing;
using RagService.Repositories;
using RagService.Search;
using ServiceDefaults.Grpc;

namespace RagService.Grpc;

/// <summary>
/// <c>rag.v1.Rag</c> over the unary gRPC transport. Errors map to status codes: bad fields → INVALID_ARGUMENT,
/// unknown repository or missing working tree → NOT_FOUND, a tree outside the workspace roots → PERMISSION_DENIED,
/// a repository that cannot be indexed → FAILED_PRECONDITION.
/// </summary>
public static class RagGrpcService
{
    public const string ServiceName = "rag.v1.Rag";

    public static IEndpointRouteBuilder MapRagGrpc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService(ServiceName)
            .MapUnary<IndexRepositoryRequest, IndexStatus>("IndexRepository", (request, context) => Guard(async () =>
            {
                var catalog = context.GetRequiredService<RepositoryCatalog>();
                return ToStatus(await catalog.IndexAsync(request.Repo, request.Branch, request.Path, context.CancellationToken));
            }))
            .MapUnary<HybridSearchRequest, HybridSearchReply>("HybridSearch", (request, context) => Guard(async () =>
            {
                var catalog = context.GetRequiredService<RepositoryCatalog>();
                var search = new SearchRequest(request.Query, request.HasK ? request.K : SearchLimits.DefaultK,
                    request.HasAlpha ? request.Alpha : SearchLimits.DefaultAlpha, request.PathPrefix);
                var response = await catalog.SearchAsync(request.Repo, request.Branch, search, context.CancellationToken);
                return ToReply(response);
            }))
            .MapUnary<GetIndexStatusRequest, IndexStatus>("GetIndexStatus", (request, context) => Guard(() =>
                Task.FromResult(ToStatus(context.GetRequiredService<RepositoryCatalog>().GetStatus(request.Repo, request.Branch)))))
            .MapUnary<ResolvePathsRequest, ResolvePathsReply>("ResolvePaths", (request, context) => Guard(() =>
            {
                var resolved = context.GetRequiredService<RepositoryCatalog>().ResolvePaths(request.Repo, request.Branch, request.Paths);
                var reply = new ResolvePathsReply();
                reply.Paths.AddRange(resolved.Select(r => new PathResolution { Path = r.Path, Exists = r.Exists, Normalized = r.Normalized }));
                return Task.FromResult(reply);
            }));
        return endpoints;
    }

    private static async Task<T> Guard<T>(Func<Task<T>> handler)
    {
        try
        {
            return await handler();
        }
        catch (InvalidSearchRequestException e)
        {
            throw new RpcException(GrpcStatusCode.InvalidArgument, e.Message);
        }
        catch (InvalidRepositoryRequestException e)
        {
            throw new RpcException(GrpcStatusCode.InvalidArgument, e.Message);
        }
        catch (RepositoryNotFoundException e)
        {
            throw new RpcException(GrpcStatusCode.NotFound, e.Message);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new RpcException(GrpcStatusCode.NotFound, e.Message);
        }
        catch (WorkspaceAccessDeniedException e)
        {
            throw new RpcException(GrpcStatusCode.PermissionDenied, e.Message);
        }
        catch (RepositoryUnavailableException e)
        {
            throw new RpcException(GrpcStatusCode.FailedPrecondition, e.Message);
        }
        catch (QdrantUnavailableException e)
        {
            throw new RpcException(GrpcStatusCode.Unavailable, e.Message);
        }
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
