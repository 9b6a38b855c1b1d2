namespace Contracts.Core;

/// <summary>
/// The one set of rules for a <see cref="ChangeRequest"/>, applied wherever one enters: the Orchestrator's HTTP front
/// door and its Kafka consumer, and the planner. The id is a UUID (it keys every topic and names the plan); every text
/// field is required, within its limit and free of control characters (they end up in log lines, lease rows and Kafka
/// keys; the description may contain line breaks and tabs). Too long is refused, never truncated: truncating a
/// description silently changes what the person asked for.
/// </summary>
public static class ChangeRequestRules
{
    /// <summary>A UUID is 36 characters; the limit only bounds what lookups by id accept.</summary>
    public const int MaxIdLength = 128;
    /// <summary>Srm's limit for the repo of a lease.</summary>
    public const int MaxRepoLength = 256;
    /// <summary>Git allows longer ref names, but nobody types one this long.</summary>
    public const int MaxBranchLength = 255;
    public const int MaxRequesterLength = 200;
    /// <summary>About 2,500 tokens: a detailed request still leaves the planner room for code context.</summary>
    public const int MaxDescriptionLength = 8_000;

    /// <summary>Field name → problems; empty when the request is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(ChangeRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        Check(errors, "id", request.Id, MaxIdLength);
        if (!errors.ContainsKey("id") && !Guid.TryParseExact(request.Id, "D", out _))
            errors["id"] = [$"id must be a UUID such as {Guid.Empty} (got '{Shorten(request.Id)}')."];
        Check(errors, "repo", request.Repo, MaxRepoLength);
        Check(errors, "branch", request.Branch, MaxBranchLength);
        if (!errors.ContainsKey("branch") && request.Branch.Any(char.IsWhiteSpace))
            errors["branch"] = ["branch must not contain whitespace."];
        Check(errors, "description", request.Description, MaxDescriptionLength, allowLineBreaks: true);
        Check(errors, "requester", request.Requester, MaxRequesterLength);
        if (request.Attempt < 0) errors["attempt"] = [$"attempt must not be negative (got {request.Attempt})."];
        return errors;
    }

    /// <summary>All problems in one sentence list, for dead letters and logs.</summary>
    public static string Describe(Dictionary<string, string[]> errors) => string.Join(" ", errors.SelectMany(pair => pair.Value));

    private static void Check(Dictionary<string, string[]> errors, string field, string value, int maxLength, bool allowLineBreaks = false)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors[field] = [$"{field} is required."];
        else if (value.Length > maxLength)
            errors[field] = [$"{field} must be at most {maxLength} characters (got {value.Length})."];
        else if (value.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')))
            errors[field] = [$"{field} must not contain control characters."];
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
