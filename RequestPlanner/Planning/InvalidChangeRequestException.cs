namespace RequestPlanner.Planning;

/// <summary>A change request that cannot be planned as sent (missing fields, over the limits): dead-letter it, do not retry.</summary>
public sealed class InvalidChangeRequestException(IReadOnlyList<string> errors)
    : Exception("Invalid change request: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
