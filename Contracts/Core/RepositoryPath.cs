namespace Contracts.Core;

/// <summary>
/// Repository-relative paths as plan steps must name them (the planner normalises, the Orchestrator checks): forward slashes, no leading slash, no drive letter,
/// no <c>..</c>, nothing under <c>.git</c>. <c>.</c> segments and doubled slashes are normalised away
/// (harmless spelling); everything else that could point outside the working tree is rejected rather
/// than "fixed", because a code agent will write wherever the path says.
/// </summary>
public static class RepositoryPath
{
    public const int MaxLength = 1024;

    /// <summary>The normalised path, or null with the reason in <paramref name="error"/>.</summary>
    public static string? Normalize(string? raw, out string error)
    {
        error = "";
        var path = raw?.Trim() ?? "";
        if (path.Length == 0) return Fail(out error, "is empty");
        if (path.Length > MaxLength) return Fail(out error, $"is longer than {MaxLength} characters");
        if (path.Any(char.IsControl)) return Fail(out error, "contains control characters");
        if (path.Contains('\\')) return Fail(out error, "uses backslashes; use forward slashes relative to the repository root");
        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':') return Fail(out error, "is a drive-letter path; use a path relative to the repository root");
        if (path.Contains("://", StringComparison.Ordinal)) return Fail(out error, "is a URL, not a repository path");
        if (path[0] == '/') return Fail(out error, "is absolute; use a path relative to the repository root");
        if (path[0] == '~') return Fail(out error, "starts with '~'; use a path relative to the repository root");

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..") return Fail(out error, "contains '..'; paths must stay inside the repository");
            if (segment.Equals(".git", StringComparison.OrdinalIgnoreCase)) return Fail(out error, "points into .git");
            segments.Add(segment);
        }
        if (segments.Count == 0) return Fail(out error, "names the repository root, not a file");
        return string.Join('/', segments);
    }

    private static string? Fail(out string error, string reason)
    {
        error = reason;
        return null;
    }
}
