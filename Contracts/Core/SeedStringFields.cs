namespace Contracts.Core;

// The seed's string-typed kinds and statuses, read as enums: null when the string names no known value.

public sealed partial class Step
{
    public StepKind? KnownKind => SeedStrings.Parse<StepKind>(Kind);
}

public sealed partial class CommitResult
{
    public CommitStatus? KnownStatus => SeedStrings.Parse<CommitStatus>(Status);
}

public sealed partial class BuildReport
{
    public CheckStatus? KnownStatus => SeedStrings.Parse<CheckStatus>(Status);
}

public sealed partial class GeneratedTests
{
    public CheckStatus? KnownPrecheck => SeedStrings.Parse<CheckStatus>(Precheck);
}
