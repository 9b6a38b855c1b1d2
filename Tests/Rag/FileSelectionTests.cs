using RagService.Indexing;

namespace Tests.Rag;

public sealed class FileSelectionTests
{
    private static readonly string[] ExpectedSources =
        [".gitignore", SampleRepository.ReadmePath, SampleRepository.PythonPath, SampleRepository.GoPath, SampleRepository.CSharpPath, SampleRepository.TypeScriptPath];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ignored_vendored_and_binary_files_are_not_indexed(bool withGit)
    {
        using var repo = new SampleRepository(initGit: withGit);
        var index = new RagService.Search.CodeIndex();

        var report = await new RepositoryIndexer(new RagService.Search.HashingEmbedder(), IndexingOptions.Default).IndexAsync(repo.Root, index);

        // generated/ and *.log by .gitignore, node_modules by the vendored-folder rule, .dat by extension,
        // blob.txt because it holds a NUL byte.
        Assert.Equal(ExpectedSources.Order(StringComparer.Ordinal), index.Paths());
        Assert.Equal(1, report.Skipped.Binary);
        Assert.Equal((0, 0), (report.Skipped.TooLarge, report.Skipped.OutsideRoot));
        // git lists node_modules/lib/index.js and assets/logo.dat, dropped by the vendored-folder and extension rules;
        // the walker does not enter node_modules at all.
        Assert.Equal(withGit ? 2 : 1, report.Skipped.Ignored);
    }

    [Fact]
    public async Task Files_over_the_size_limit_are_skipped()
    {
        using var repo = new SampleRepository();
        repo.Write("big.txt", new string('x', 3000));
        var index = new RagService.Search.CodeIndex();

        await new RepositoryIndexer(new RagService.Search.HashingEmbedder(), IndexingOptions.Default with { MaxFileBytes = 2048 }).IndexAsync(repo.Root, index);

        Assert.False(index.ContainsFile("big.txt"));
        Assert.True(index.ContainsFile(SampleRepository.CSharpPath));
    }

    [Theory]
    [InlineData("build/", "build", true, true)]
    [InlineData("build/", "src/build", false, false)]
    [InlineData("*.log", "deep/dir/x.log", false, true)]
    [InlineData("/root.txt", "sub/root.txt", false, false)]
    [InlineData("/root.txt", "root.txt", false, true)]
    [InlineData("docs/**/*.md", "docs/a/b/c.md", false, true)]
    [InlineData("*.txt\n!keep.txt", "keep.txt", false, false)]
    public void Gitignore_rules_match_like_git(string rules, string path, bool isDirectory, bool ignored)
    {
        var gitIgnore = new GitIgnoreRules();
        gitIgnore.AddFile(string.Empty, rules);
        var target = isDirectory ? path.TrimEnd('/') : path;
        Assert.Equal(ignored, gitIgnore.IsIgnored(target, isDirectory));
    }
}
