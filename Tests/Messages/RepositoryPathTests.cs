using FsCheck.Fluent;
using Contracts.Core;

namespace Tests.Messages;

public sealed class RepositoryPathTests
{
    [Theory]
    [InlineData("src/app.py", "src/app.py")]
    [InlineData("./src/app.py", "src/app.py")]
    [InlineData("src//app.py", "src/app.py")]
    [InlineData("src/./lib/x.cs ", "src/lib/x.cs")]
    [InlineData("README.md", "README.md")]
    [InlineData(".github/workflows/ci.yml", ".github/workflows/ci.yml")]
    public void Harmless_spellings_are_normalised(string raw, string expected)
    {
        Assert.Equal(expected, RepositoryPath.Normalize(raw, out var error));
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("../etc/passwd", "contains '..'")]
    [InlineData("src/../../x", "contains '..'")]
    [InlineData("src/..", "contains '..'")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("C:/repo/app.py", "drive-letter")]
    [InlineData("c:app.py", "drive-letter")]
    [InlineData("src\\app.py", "backslashes")]
    [InlineData("~/app.py", "starts with '~'")]
    [InlineData(".git/config", "points into .git")]
    [InlineData("sub/.GIT/hooks/pre-commit", "points into .git")]
    [InlineData("file:///etc/passwd", "URL")]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("./", "repository root")]
    [InlineData("src/a\0b", "control characters")]
    public void Paths_that_could_leave_the_repository_are_rejected(string raw, string reason)
    {
        Assert.Null(RepositoryPath.Normalize(raw, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Normalised_paths_never_escape_the_repository()
    {
        FsCheck.Check.QuickThrowOnFailure(Prop.ForAll<string>(raw =>
        {
            var path = RepositoryPath.Normalize(raw, out _);
            return path is null ||
                   (!path.StartsWith('/') && !path.Contains('\\') && !path.Split('/').Contains("..") &&
                    !path.Split('/').Contains("") && !(path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'));
        }));
    }
}
