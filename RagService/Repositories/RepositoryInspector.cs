using Contracts.Rag;
using Problem = Contracts.Rag.RepositoryDescription.Types.Problem;

namespace RagService.Repositories;

/// <summary>
/// Describes a working tree before anything is indexed: it must exist, be a directory and lie under the workspace roots;
/// a git working tree's current branch is read from <c>.git/HEAD</c> and a named branch looked up in its refs (loose and
/// packed), without running git. A folder without <c>.git</c> is indexed as a plain folder.
/// </summary>
public sealed class RepositoryInspector(WorkspaceRoots roots)
{
    public const string RootsSetting = "Rag:WorkspaceRoots (AppHost: AppHost__WorkspaceRoots__0)";

    public RepositoryDescription Describe(string path, string branch)
    {
        var reply = new RepositoryDescription { Path = path };
        reply.WorkspaceRoots.AddRange(roots.All);
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0') || !Path.IsPathFullyQualified(path))
            return Fail(reply, Problem.NotAbsolute, $"'{path}' is not an absolute path; give the full path of a working tree under {RootsText()}.");
        var full = WorkspaceRoots.Canonical(path);
        reply.Path = full;
        if (File.Exists(full)) return Fail(reply, Problem.NotADirectory, $"'{path}' is a file, not a directory; give the folder of the working tree.");
        if (!Directory.Exists(full)) return Fail(reply, Problem.NotFound, $"'{path}' does not exist on the RagService's machine.");
        try
        {
            roots.Authorize(full);
        }
        catch (WorkspaceAccessDeniedException)
        {
            return Fail(reply, Problem.OutsideWorkspaceRoots, $"'{path}' is outside the workspace roots {RootsText()}; add its folder to {RootsSetting}.");
        }

        var gitDirectory = Path.Combine(full, ".git");
        reply.Git = Directory.Exists(gitDirectory);
        if (!reply.Git)
        {
            reply.Message = $"'{path}' is not a git working tree: it will be indexed as a plain folder (every file, no .gitignore).";
            return reply;
        }
        reply.CurrentBranch = CurrentBranch(gitDirectory) ?? "";
        if (branch.Length > 0 && !BranchExists(gitDirectory, branch))
        {
            var current = reply.CurrentBranch.Length > 0 ? $" (its current branch is '{reply.CurrentBranch}')" : "";
            return Fail(reply, Problem.BranchNotFound, $"The working tree '{path}' has no branch '{branch}'{current}.");
        }
        return reply;
    }

    private string RootsText() => roots.All.Count == 0 ? "(none configured)" : string.Join(", ", roots.All);

    private static RepositoryDescription Fail(RepositoryDescription reply, Problem problem, string message)
    {
        reply.Problem = problem;
        reply.Message = message;
        return reply;
    }

    private static string? CurrentBranch(string gitDirectory)
    {
        var head = ReadText(Path.Combine(gitDirectory, "HEAD"))?.Trim();
        return head is not null && head.StartsWith("ref: refs/heads/", StringComparison.Ordinal) ? head["ref: refs/heads/".Length..] : null;
    }

    private static bool BranchExists(string gitDirectory, string branch)
    {
        if (branch.Contains("..", StringComparison.Ordinal) || branch.StartsWith('/') || branch.Contains('\0')) return false;
        if (CurrentBranch(gitDirectory) == branch) return true; // a new repository's branch has no ref until its first commit
        if (File.Exists(Path.Combine(gitDirectory, "refs", "heads", branch))) return true;
        var packed = ReadText(Path.Combine(gitDirectory, "packed-refs"));
        return packed is not null && packed.Split('\n').Any(line => line.TrimEnd().EndsWith(" refs/heads/" + branch, StringComparison.Ordinal));
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
