using RagService.History;
using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

/// <summary>The git history reader: renames followed, merges left out, bounded per file, incremental on re-index.</summary>
public sealed class GitHistoryTests : IDisposable
{
    private const string ParserBody = "def parse(text):\n    return [line.split() for line in text.splitlines()]\n\n\ndef helper():\n    return 42\n";

    private readonly TempGitRepository repo = new();

    public void Dispose() => repo.Dispose();

    /// <summary>parser.py is added, renamed to reader.py, changed on a merged branch; other.py changes on main.</summary>
    private void BuildHistoryWithRenameAndMerge()
    {
        repo.Write("src/parser.py", ParserBody);
        repo.Write("other.py", "VALUE = 1\n");
        repo.Commit("Add the quokka parser module");
        repo.Git("mv", "src/parser.py", "src/reader.py");
        repo.Commit("Rename parser to reader for wombat input");
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("src/reader.py", ParserBody + "\n\ndef tokens(text):\n    return text.split()\n");
        repo.Commit("Support platypus tokens in the reader");
        repo.Git("checkout", "-q", "main");
        repo.Write("other.py", "VALUE = 2\n");
        repo.Commit("Raise the echidna value");
        repo.Git("merge", "-q", "--no-ff", "-m", "Merge branch feature with zebra changes", "feature");
    }

    [Fact]
    public async Task The_log_leaves_merge_commits_out_and_records_renames()
    {
        BuildHistoryWithRenameAndMerge();

        var commits = await GitLog.ReadAsync(repo.Root, "HEAD", null, 100, CancellationToken.None);

        Assert.NotNull(commits);
        Assert.Equal(4, commits.Count);
        Assert.DoesNotContain(commits, c => c.Message.Contains("zebra"));
        var rename = Assert.Single(commits, c => c.Message.StartsWith("Rename", StringComparison.Ordinal)).Changes;
        Assert.Equal(new GitFileChange('R', "src/reader.py", "src/parser.py"), Assert.Single(rename));
    }

    [Fact]
    public async Task A_file_gets_the_messages_of_its_earlier_names_and_nothing_of_other_files()
    {
        BuildHistoryWithRenameAndMerge();
        var commits = (await GitLog.ReadAsync(repo.Root, "HEAD", null, 100, CancellationToken.None))!;

        var files = FileHistoryBuilder.Build(new RepositoryHistory("HEAD", commits), ["src/reader.py", "other.py"], HistoryOptions.Default);

        var reader = files["src/reader.py"];
        Assert.Equal(3, reader.Commits);
        Assert.Contains(reader.Messages, m => m.Contains("quokka")); // from before the rename
        Assert.Contains(reader.Messages, m => m.Contains("wombat"));
        Assert.Contains(reader.Messages, m => m.Contains("platypus")); // from the merged branch
        Assert.DoesNotContain(reader.Messages, m => m.Contains("echidna"));
        Assert.Equal(["Raise the echidna value", "Add the quokka parser module"], files["other.py"].Messages);
        Assert.Equal(0, files["other.py"].NewestCommit); // touched by the newest non-merge commit
    }

    [Fact]
    public async Task A_new_file_with_an_old_name_does_not_inherit_the_deleted_file_history()
    {
        repo.Write("a.py", "x = 1\n");
        repo.Commit("Add the old kiwi module");
        File.Delete(Path.Combine(repo.Root, "a.py"));
        repo.Commit("Delete it");
        repo.Write("a.py", "completely = 'different content here'\n");
        repo.Commit("Add the new moa module");
        var commits = (await GitLog.ReadAsync(repo.Root, "HEAD", null, 100, CancellationToken.None))!;

        var files = FileHistoryBuilder.Build(new RepositoryHistory("HEAD", commits), ["a.py"], HistoryOptions.Default);

        Assert.Equal(["Add the new moa module"], files["a.py"].Messages);
    }

    [Fact]
    public void Messages_are_bounded_per_file_and_sweeping_commits_describe_no_file()
    {
        var sweep = Enumerable.Range(0, 5).Select(i => new GitFileChange('M', $"f{i}.py")).ToList();
        var history = new RepositoryHistory("h", [
            new GitCommit("c4", 4, "Reformat everything with the new style", sweep),
            new GitCommit("c3", 3, "third", [new GitFileChange('M', "f0.py")]),
            new GitCommit("c2", 2, "second", [new GitFileChange('M', "f0.py")]),
            new GitCommit("c1", 1, "first", [new GitFileChange('A', "f0.py")]),
        ]);

        var files = FileHistoryBuilder.Build(history, ["f0.py", "f1.py"], HistoryOptions.Default with { MaxMessagesPerFile = 2, MaxFilesPerCommit = 4 });

        Assert.Equal(["third", "second"], files["f0.py"].Messages);
        Assert.Equal(4, files["f0.py"].Commits);
        Assert.Equal(0, files["f0.py"].NewestCommit); // the sweep still changed it
        Assert.Empty(files["f1.py"].Messages);
    }

    [Fact]
    public async Task Re_indexing_reads_only_the_new_commits_and_a_rewritten_history_is_read_again()
    {
        repo.Write("src/reader.py", ParserBody);
        repo.Commit("Add the quokka reader");
        var index = new CodeIndex();
        var indexer = new RepositoryIndexer(new HashingEmbedder(), IndexingOptions.Default);
        await indexer.IndexAsync(repo.Root, index);
        var first = index.History!.Log;

        repo.Write("src/reader.py", ParserBody + "\n# wombat\n");
        var second = repo.Commit("Teach the reader about wombats");
        await indexer.IndexAsync(repo.Root, index);

        var extended = index.History!.Log;
        Assert.Equal(second, extended.Head);
        Assert.Equal(2, extended.Commits.Count);
        Assert.Same(first.Commits[0], extended.Commits[1]); // kept, not read again
        Assert.Contains("wombats", index.History.Field.Of("src/reader.py")!.Messages[0]);

        repo.Git("reset", "-q", "--hard", "HEAD~1");
        repo.Write("src/reader.py", ParserBody + "\n# koala\n");
        repo.Commit("Teach the reader about koalas");
        await indexer.IndexAsync(repo.Root, index);

        Assert.Equal(["Teach the reader about koalas", "Add the quokka reader"], index.History!.Log.Commits.Select(c => c.Message));
    }

    [Fact]
    public async Task A_plain_folder_has_no_history()
    {
        using var plain = new SampleRepository(initGit: false);
        var index = new CodeIndex();

        await new RepositoryIndexer(new HashingEmbedder(), IndexingOptions.Default).IndexAsync(plain.Root, index);

        Assert.Null(index.History);
        Assert.True(index.FileCount > 0);
    }

    [Fact]
    public async Task A_subfolder_sees_its_own_paths()
    {
        repo.Write("lib/core/engine.py", "def run():\n    return 1\n");
        repo.Commit("Start the dingo engine");
        var index = new CodeIndex();

        await new RepositoryIndexer(new HashingEmbedder(), IndexingOptions.Default).IndexAsync(Path.Combine(repo.Root, "lib"), index);

        Assert.Equal(["Start the dingo engine"], index.History!.Field.Of("core/engine.py")!.Messages);
    }
}
