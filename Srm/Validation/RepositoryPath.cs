namespace Srm.Validation;

/// <summary>
/// Rules for a file path inside a repository working tree: relative, '/'-separated, normalized, and unable to
/// leave the tree or reach into <c>.git</c>. Anything ambiguous is refused rather than repaired.
/// </summary>
public static class RepositoryPath
{
    /// <summary>Why <paramref name="path"/> is not acceptable, or null when it is.</summary>
    public static string? Problem(string path)
    {
        if (path.Length == 0)
        {
            return "is required";
        }

        if (path.Length > RequestLimits.MaxFilePathLength)
        {
            return $"is {path.Length} characters long; the limit is {RequestLimits.MaxFilePathLength}";
        }

        if (TextRules.Problem(path) is { } textProblem)
        {
            return textProblem;
        }

        if (path.Contains('\\'))
        {
            return "must use '/' as separator; backslashes are not allowed";
        }

        if (path.StartsWith('/'))
        {
            return "must be relative to the repository root, not absolute";
        }

        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        {
            return "must be relative to the repository root, not start with a drive letter";
        }

        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "..":
                    return "must stay inside the repository: '..' segments are not allowed";
                case ".":
                case "":
                    return "must be normalized: no '.' or empty segments and no trailing '/'";
            }

            if (segment.Equals(".git", StringComparison.OrdinalIgnoreCase))
            {
                return "must name a working-tree file, not a path inside .git";
            }
        }

        return null;
    }
}
