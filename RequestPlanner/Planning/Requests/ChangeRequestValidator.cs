using Contracts.Core;

namespace RequestPlanner.Planning.Requests;

/// <summary>
/// Checks a <see cref="ChangeRequest"/> before any planning work: id, repo and description must be present,
/// every field within <see cref="ChangeRequestLimits"/>, and no control characters in the identifying fields
/// (they end up in log lines, lease rows and Kafka keys).
/// </summary>
public static class ChangeRequestValidator
{
    /// <summary>Every problem found, in words; empty when the request can be planned.</summary>
    public static IReadOnlyList<string> Validate(ChangeRequest request)
    {
        var errors = new List<string>();
        Require(errors, "id", request.Id, ChangeRequestLimits.MaxIdLength, singleLine: true);
        Require(errors, "repo", request.Repo, ChangeRequestLimits.MaxRepoLength, singleLine: true);
        Require(errors, "description", request.Description, ChangeRequestLimits.MaxDescriptionLength, singleLine: false);
        Optional(errors, "branch", request.Branch, ChangeRequestLimits.MaxBranchLength);
        Optional(errors, "requester", request.Requester, ChangeRequestLimits.MaxRequesterLength);
        if (request.Attempt < 0)
            errors.Add($"attempt must not be negative (got {request.Attempt})");
        return errors;
    }

    private static void Require(List<string> errors, string field, string value, int maxLength, bool singleLine)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{field} is required");
            return;
        }
        CheckLength(errors, field, value, maxLength);
        if (singleLine) CheckNoControlCharacters(errors, field, value);
        else if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            errors.Add($"{field} contains control characters other than line breaks and tabs");
    }

    private static void Optional(List<string> errors, string field, string value, int maxLength)
    {
        if (value.Length == 0) return;
        CheckLength(errors, field, value, maxLength);
        CheckNoControlCharacters(errors, field, value);
    }

    private static void CheckLength(List<string> errors, string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
            errors.Add($"{field} is {value.Length} characters long; the limit is {maxLength}");
    }

    private static void CheckNoControlCharacters(List<string> errors, string field, string value)
    {
        if (value.Any(char.IsControl))
            errors.Add($"{field} contains control characters");
    }
}
