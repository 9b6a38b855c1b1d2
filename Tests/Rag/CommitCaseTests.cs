using RagService.Evaluation;
using RagService.History;
using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

/// <summary>The benchmark miner's rules: what becomes a query, what is gold, and that nothing of the commit leaks into the index.</summary>
public sealed class CommitCaseTests
{
    private static readonly HashSet<string> Parent = ["src/app.py", "src/util.py", "tests/test_app.py", "README.md", "src/a.py", "src/b.py", "src/c.py", "src/d.py", "src/e.py", "src/old_name.py"];

    [Fact]
    public void Gold_is_the_changed_non_test_source_files_that_exist_in_the_parent()
    {
        var gold = CaseRules.Gold([
            new GitFileChange('M', "src/app.py"),
            new GitFileChange('M', "tests/test_app.py"),
            new GitFileChange('M', "README.md"),
            new GitFileChange('A', "src/new.py"),
            new GitFileChange('R', "src/new_name.py", "src/old_name.py"),
            new GitFileChange('M', "src/not_in_parent.py"),
        ], Parent);

        Assert.Equal(["src/app.py", "src/old_name.py"], gold);
    }

    [Fact]
    public void A_commit_with_more_than_four_gold_files_or_none_is_no_case()
    {
        Assert.Empty(CaseRules.Gold(new[] { "a", "b", "c", "d", "e" }.Select(n => new GitFileChange('M', $"src/{n}.py")).ToList(), Parent));
        Assert.Single(CaseRules.Gold(new[] { "a" }.Select(n => new GitFileChange('M', $"src/{n}.py")).ToList(), Parent));
        Assert.Empty(CaseRules.Gold([new GitFileChange('M', "tests/test_app.py"), new GitFileChange('M', "README.md")], Parent));
    }

    [Fact]
    public void The_query_is_subject_and_first_paragraph_without_file_names_or_trailers()
    {
        const string message = """
            Fix timeout in util.py when the proxy resets

            The retry loop in src/util.py gave up after the first reset.
            Signed-off-by: Someone <s@example.com>

            Second paragraph mentions app.py and internal notes.
            """;

        var query = CaseRules.Query(message, [new GitFileChange('M', "src/util.py"), new GitFileChange('M', "src/app.py")]);

        Assert.NotNull(query);
        Assert.DoesNotContain("util.py", query);
        Assert.Contains("Fix timeout in", query);
        Assert.Contains("gave up after the first reset", query);
        Assert.DoesNotContain("Signed-off-by", query);
        Assert.DoesNotContain("Second paragraph", query);
    }

    [Theory]
    [InlineData("Bump lodash from 4.17.20 to 4.17.21")]
    [InlineData("Merge pull request #12 from someone/branch")]
    [InlineData("fix typo")]
    [InlineData("3.1.2")]
    public void Chores_and_near_empty_messages_are_no_case(string message) =>
        Assert.Null(CaseRules.Query(message, [new GitFileChange('M', "src/app.py")]));

    [Fact]
    public async Task A_regenerated_case_indexes_the_parent_and_its_history_never_the_commit()
    {
        using var repo = new TempGitRepository();
        repo.Write("src/store.py", "def save(item):\n    return item\n");
        repo.Write("src/view.py", "def show(item):\n    return str(item)\n");
        repo.Commit("Add the store and the view");
        repo.Write("src/store.py", "def save(item):\n    # flamingo\n    return item\n");
        var commit = repo.Commit("Persist items atomically so a crash keeps the flamingo ledger consistent");

        var mined = await CommitCases.RegenerateAsync(repo.Root, new EvalCase("local/repo", "python", commit, EvalCase.HeldOut), CancellationToken.None);

        Assert.NotNull(mined);
        Assert.Equal(["src/store.py"], mined.Gold);
        Assert.Equal(repo.Git("rev-parse", commit + "^").Trim(), mined.Parent);

        using var folder = new TempFolder();
        var options = IndexingOptions.Default with { History = HistoryOptions.Default with { Enabled = false } };
        var index = new CodeIndex();
        await new TreeMaterializer(repo.Root, folder.Path, options).CheckoutAsync(mined.Parent, CancellationToken.None);
        await new RepositoryIndexer(new HashingEmbedder(), options).IndexAsync(folder.Path, index);
        await new HistoryRefresher(HistoryOptions.Default).RefreshAsync(repo.Root, mined.Parent, index, CancellationToken.None);

        Assert.DoesNotContain("flamingo", File.ReadAllText(Path.Combine(folder.Path, "src/store.py")));
        Assert.Equal(mined.Parent, index.History!.Log.Head);
        Assert.DoesNotContain(index.History.Log.Commits, c => c.Hash == commit || c.Message.Contains("flamingo"));
    }

    [Fact]
    public async Task The_miner_picks_only_commits_the_rules_accept_and_alternates_splits()
    {
        using var repo = new TempGitRepository();
        repo.Write("src/a.py", "A = 0\n");
        repo.Write("tests/test_a.py", "T = 0\n");
        repo.Commit("Start");
        for (var i = 1; i <= 4; i++)
        {
            repo.Write("src/a.py", $"A = {i}\n");
            repo.Commit($"Tune the quantity of widgets to level {i}");
            repo.Write("tests/test_a.py", $"T = {i}\n");
            repo.Commit($"Only tests change in this commit {i}");
        }

        var mined = await CommitCases.MineAsync(repo.Root, "local/repo", "python", 10, 100, CancellationToken.None);

        Assert.Equal(4, mined.Count);
        Assert.All(mined, m => Assert.StartsWith("Tune the quantity", m.Query));
        Assert.Equal([EvalCase.Tune, EvalCase.HeldOut, EvalCase.Tune, EvalCase.HeldOut], mined.Select(m => m.Case.Split));
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rag-tree-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
