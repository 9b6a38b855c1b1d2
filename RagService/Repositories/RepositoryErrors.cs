namespace RagService.Repositories;

/// <summary>No repository is registered under (repo, branch).</summary>
public sealed class RepositoryNotFoundException(string repo, string branch)
    : Exception($"Repository '{repo}' branch '{branch}' is not registered; index it first with IndexRepository(repo, branch, path).");

/// <summary>A working tree outside every configured workspace root.</summary>
public sealed class WorkspaceAccessDeniedException(string message) : Exception(message);

/// <summary>A request field that is missing, too long or malformed.</summary>
public sealed class InvalidRepositoryRequestException(string message) : Exception(message);

/// <summary>A registered repository whose index cannot be built (the working tree is gone or unreadable).</summary>
public sealed class RepositoryUnavailableException(string message) : Exception(message);
