using System.Diagnostics;
using Contracts.Rag;
using Grpc.Core;
using Problem = Contracts.Rag.RepositoryDescription.Types.Problem;
using RagClient = Contracts.Rag.Rag.RagClient;

namespace Orchestrator.Repositories;

/// <summary>
/// The front door's view of a request's repository, through RagService (which owns the workspace roots and the filesystem;
/// in the cloud the Orchestrator may not see the working tree): describe it (specific 400s for a missing path, a file,
/// a tree outside the roots, an unknown branch) and index it before planning (IndexRepository is incremental, so an
/// indexed, unchanged tree costs a fingerprint check). Without a RagService reference (<c>services__ragservice__http__0</c>)
/// the door accepts any repository name unchecked, as before.
/// </summary>
public sealed class RepositoryDoor(RagClient? rag, TimeProvider time, ILogger<RepositoryDoor> logger)
{
    private static readonly TimeSpan DescribeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IndexTimeout = TimeSpan.FromMinutes(5);

    public bool Enabled => rag is not null;

    /// <summary>RagService's description of <paramref name="path"/>; null without a RagService reference.</summary>
    public async Task<RepositoryDescription?> DescribeAsync(string path, string branch, CancellationToken cancellationToken) =>
        rag is null ? null : await rag.DescribeRepositoryAsync(new DescribeRepositoryRequest { Path = path, Branch = branch },
            deadline: time.GetUtcNow().UtcDateTime + DescribeTimeout, cancellationToken: cancellationToken);

    /// <summary>Field → problem when the repository cannot be planned; empty when it can (or cannot be checked here).</summary>
    public static Dictionary<string, string[]> Problems(RepositoryDescription? description) => description?.Problem switch
    {
        null or Problem.None => [],
        Problem.BranchNotFound => new() { ["branch"] = [description.Message] },
        _ => new() { ["repo"] = [description.Message] },
    };

    /// <summary>Indexes the repository (incrementally) and says what happened, for the request's timeline.</summary>
    public async Task<string> IndexAsync(string repo, string branch, RepositoryDescription description, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var status = await rag!.IndexRepositoryAsync(new IndexRepositoryRequest { Repo = repo, Branch = branch, Path = description.Path },
            deadline: time.GetUtcNow().UtcDateTime + IndexTimeout, cancellationToken: cancellationToken);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (status.State != IndexStatus.Types.State.Ready)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"indexing {repo}@{branch} failed: {status.Error}"));
        logger.LogInformation("Indexed {Repo}@{Branch} for a request: {Files} files, {Chunks} chunks, {Changed} changed in {ElapsedMs} ms",
            repo, branch, status.Files, status.Chunks, status.FilesChanged, elapsed);
        var plain = description.Git ? "" : " (a plain folder, not a git working tree)";
        return $"indexed {repo}@{branch}{plain}: {status.Files} file(s), {status.Chunks} chunk(s); {status.FilesChanged} changed, {status.FilesRemoved} removed since the last index; {elapsed} ms";
    }
}
