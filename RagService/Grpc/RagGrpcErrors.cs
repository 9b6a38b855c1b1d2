using Grpc.Core;
using RagService.Repositories;
using RagService.Search;
using ServiceDefaults.Grpc;

namespace RagService.Grpc;

/// <summary>The status each of the engine's refusals becomes (see <see cref="GrpcErrorInterceptor"/>).</summary>
public static class RagGrpcErrors
{
    public static void Map(GrpcErrorOptions errors) => errors
        .Map<InvalidSearchRequestException>(StatusCode.InvalidArgument)
        .Map<InvalidRepositoryRequestException>(StatusCode.InvalidArgument)
        .Map<RepositoryNotFoundException>(StatusCode.NotFound)
        .Map<DirectoryNotFoundException>(StatusCode.NotFound)
        .Map<WorkspaceAccessDeniedException>(StatusCode.PermissionDenied)
        .Map<RepositoryUnavailableException>(StatusCode.FailedPrecondition)
        .Map<QdrantUnavailableException>(StatusCode.Unavailable);
}
