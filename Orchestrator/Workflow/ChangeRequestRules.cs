using Contracts.Core;

namespace Orchestrator.Workflow;

/// <summary>Field limits of a change request, shared by the HTTP front door and the Kafka consumer.</summary>
public static class ChangeRequestRules
{
    public const int MaxIdLength = 128;
    /// <summary>The planner's and Srm's limit: a longer repo would pass here and be dead-lettered by the planner, leaving the request in plan_phase.</summary>
    public const int MaxRepoLength = 256;
    public const int MaxBranchLength = 255;
    public const int MaxDescriptionLength = 8000;
    public const int MaxRequesterLength = 200;

    /// <summary>Field name → problems; empty when the request is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(string? repo, string? branch, string? description, string? requester)
    {
        var errors = new Dictionary<string, string[]>();
        Check(errors, "repo", repo, MaxRepoLength, required: true);
        Check(errors, "branch", branch, MaxBranchLength, required: true);
        Check(errors, "description", description, MaxDescriptionLength, required: true, allowNewLines: true);
        Check(errors, "requester", requester, MaxRequesterLength, required: true);
        if (branch is not null && branch.Any(char.IsWhiteSpace))
            errors.TryAdd("branch", ["branch must not contain whitespace."]);
        return errors;
    }

    public static Dictionary<string, string[]> Validate(ChangeRequest request)
    {
        var errors = Validate(request.Repo, request.Branch, request.Description, request.Requester);
        Check(errors, "id", request.Id, MaxIdLength, required: true);
        if (request.Attempt < 0) errors["attempt"] = ["attempt must not be negative."];
        return errors;
    }

    private static void Check(Dictionary<string, string[]> errors, string field, string? value, int maxLength,
        bool required, bool allowNewLines = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors[field] = [$"{field} is required."];
            return;
        }
        if (value.Length > maxLength)
            errors[field] = [$"{field} must be at most {maxLength} characters (got {value.Length})."];
        else if (value.Any(c => char.IsControl(c) && !(allowNewLines && c is '\n' or '\r' or '\t')))
            errors[field] = [$"{field} must not contain control characters."];
    }

    public static string Describe(Dictionary<string, string[]> errors) =>
        string.Join(" ", errors.SelectMany(pair => pair.Value));
}
