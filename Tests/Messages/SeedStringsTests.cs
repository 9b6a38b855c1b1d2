using Contracts.Core;

namespace Tests.Messages;

public sealed class SeedStringsTests
{
    [Theory]
    [InlineData("PASSED", CheckStatus.Passed)]
    [InlineData("passed", CheckStatus.Passed)]
    [InlineData(" Failed ", CheckStatus.Failed)]
    public void Statuses_are_read_ignoring_case_and_blanks(string text, CheckStatus expected)
    {
        Assert.Equal(expected, new BuildReport { Status = text }.KnownStatus);
        Assert.Equal(expected, new GeneratedTests { Precheck = text }.KnownPrecheck);
    }

    [Theory]
    [InlineData("")]
    [InlineData("OK")]
    [InlineData("1")]
    [InlineData("PASSED!")]
    public void Anything_else_is_unknown(string text)
    {
        Assert.Null(new BuildReport { Status = text }.KnownStatus);
        Assert.Null(new CommitResult { Status = text }.KnownStatus);
        Assert.Null(new Step { Kind = text }.KnownKind);
    }

    [Fact]
    public void Values_are_written_as_the_seeds_strings()
    {
        Assert.Equal("SUCCESS", SeedStrings.Of(CommitStatus.Success));
        Assert.Equal("REFACTOR", SeedStrings.Of(StepKind.Refactor));
        Assert.Equal("ADD, EDIT, REMOVE, REFACTOR", SeedStrings.Allowed<StepKind>());
    }
}
