using RagService.History;
using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

/// <summary>
/// Each file-ranking signal on its own: with the signal on, the file it favours comes first; with it off, another
/// file does (so every test fails if its signal stops working).
/// </summary>
public sealed class RankingSignalTests
{
    private static readonly RankingOptions Off = RankingOptions.ContentOnly;

    private static async Task<CodeIndex> IndexOf(params (string Path, string Symbol, string Text)[] files)
    {
        var index = new CodeIndex();
        var id = 0L;
        foreach (var (path, symbol, text) in files)
        {
            var chunk = new CodeChunk(path, 1, 1, symbol, "function", "python", text);
            await index.PutFileAsync(path, path, [new EmbeddedChunk(++id, chunk, [1f])], CancellationToken.None);
        }
        return index;
    }

    private static List<string> Rank(CodeIndex index, string query, RankingOptions options, params (string Path, double Score)[] content) =>
        FileFusion.Rank(content.Select(c => new FileHit(c.Path, c.Score)).ToList(),
            new FileQuery(QueryAnalyzer.Analyze(query), QueryAnalyzer.Identifiers(query), null), index, options).Select(f => f.Path).ToList();

    private static IndexHistory History(CodeIndex index, params (string Path, string Message)[] commits)
    {
        // Newest first, one file per commit.
        var log = new RepositoryHistory("head", commits.Select((c, i) => new GitCommit($"c{i}", 100 - i, c.Message, [new GitFileChange('M', c.Path)])).ToList());
        var paths = index.Paths();
        return new IndexHistory(log, paths.ToHashSet(), HistoryField.Build(FileHistoryBuilder.Build(log, paths, HistoryOptions.Default)));
    }

    [Fact]
    public async Task With_every_signal_off_the_content_ranking_is_returned_as_is()
    {
        var index = await IndexOf(("a.py", "a", "alpha"));
        var content = new List<FileHit> { new("a.py", 3.5) };

        Assert.Same(content, FileFusion.Rank(content, new FileQuery([], [], null), index, Off));
    }

    [Fact]
    public async Task The_history_field_brings_up_the_file_whose_commits_describe_the_request()
    {
        var index = await IndexOf(("a/first.py", "run", "def run(): pass"), ("b/second.py", "go", "def go(): pass"));
        index.History = History(index, ("b/second.py", "Retry uploads when the storage quota is exceeded"), ("a/first.py", "Initial version"));
        var options = Off with { History = 0.6, FieldCandidates = 50 };

        Assert.Equal("b/second.py", Rank(index, "storage quota exceeded during upload", options, ("a/first.py", 1.0), ("b/second.py", 0.8))[0]);
        Assert.Equal("a/first.py", Rank(index, "storage quota exceeded during upload", Off, ("a/first.py", 1.0), ("b/second.py", 0.8))[0]);
    }

    [Fact]
    public async Task The_history_field_adds_files_the_chunks_did_not_bring()
    {
        var index = await IndexOf(("a.py", "x", "x"), ("b.py", "y", "y"));
        index.History = History(index, ("b.py", "Handle cyrillic filenames in archives"));

        var ranked = Rank(index, "cyrillic filenames", Off with { History = 0.6, FieldCandidates = 50 }, ("a.py", 1.0));

        Assert.Contains("b.py", ranked);
    }

    [Fact]
    public async Task Recently_changed_files_win_ties()
    {
        var index = await IndexOf(("a.py", "x", "x"), ("b.py", "y", "y"));
        index.History = History(index, ("b.py", "newest"), ("a.py", "older"), ("a.py", "oldest"));
        var options = Off with { Recency = 0.1, RecencyScaleCommits = 1 };

        Assert.Equal(["b.py", "a.py"], Rank(index, "anything", options, ("a.py", 1.0), ("b.py", 1.0)));
        Assert.Equal(["a.py", "b.py"], Rank(index, "anything", Off, ("a.py", 1.0), ("b.py", 1.0)));
    }

    [Fact]
    public async Task The_path_field_favours_the_file_named_after_the_request()
    {
        var index = await IndexOf(("src/misc.py", "m", "m"), ("src/payments/gateway.py", "g", "g"));
        var options = Off with { Path = 0.2, FieldCandidates = 50 };

        Assert.Equal("src/payments/gateway.py", Rank(index, "payment gateway timeout", options, ("src/misc.py", 1.0), ("src/payments/gateway.py", 0.9))[0]);
        Assert.Equal("src/misc.py", Rank(index, "payment gateway timeout", Off, ("src/misc.py", 1.0), ("src/payments/gateway.py", 0.9))[0]);
    }

    [Fact]
    public async Task Test_files_rank_below_the_code_they_test_unless_the_request_is_about_tests()
    {
        var index = await IndexOf(("tests/test_orders.py", "t", "t"), ("app/orders.py", "o", "o"));
        var options = Off with { TestFileFactor = 0.6 };
        (string, double)[] content = [("tests/test_orders.py", 1.0), ("app/orders.py", 0.8)];

        Assert.Equal("app/orders.py", Rank(index, "orders are rounded wrongly", options, content)[0]);
        Assert.Equal("tests/test_orders.py", Rank(index, "add a test for rounded orders", options, content)[0]);
        Assert.Equal("tests/test_orders.py", Rank(index, "orders are rounded wrongly", Off, content)[0]);
    }

    [Fact]
    public async Task Files_defining_a_named_identifier_come_first()
    {
        var index = await IndexOf(("src/middleware/shared.py", "SharedDataMiddleware.__call__", "def __call__(self): pass"), ("src/serving.py", "run_simple", "def run_simple(): pass"));
        var options = Off with { Identifier = 2.0, MaxIdentifierFiles = 5 };
        (string, double)[] content = [("src/serving.py", 1.0), ("src/middleware/shared.py", 0.2)];

        Assert.Equal("src/middleware/shared.py", Rank(index, "SharedDataMiddleware serves the wrong file", options, content)[0]);
        Assert.Equal("src/serving.py", Rank(index, "SharedDataMiddleware serves the wrong file", Off, content)[0]);
        // A file stem named in the request counts too.
        Assert.Equal("src/serving.py", Rank(index, "make serving() quieter", options, ("src/middleware/shared.py", 1.0), ("src/serving.py", 0.1))[0]);
    }

    [Fact]
    public async Task An_identifier_defined_in_many_files_points_at_none()
    {
        var files = Enumerable.Range(0, 4).Select(i => ($"m{i}.py", "Base.handle_request", "def handle_request(self): pass")).ToArray();
        var index = await IndexOf([.. files, ("other.py", "other", "pass")]);
        (string, double)[] content = [("other.py", 1.0), .. files.Select(f => (f.Item1, 0.9))];

        Assert.Equal("other.py", Rank(index, "handle_request is slow", Off with { Identifier = 2.0, MaxIdentifierFiles = 3 }, content)[0]);
        Assert.NotEqual("other.py", Rank(index, "handle_request is slow", Off with { Identifier = 2.0, MaxIdentifierFiles = 4 }, content)[0]);
    }

    [Theory]
    [InlineData("SharedDataMiddleware leaks", "SharedDataMiddleware")]
    [InlineData("getUser returns null", "getUser")]
    [InlineData("speed up shared_data", "shared_data")]
    [InlineData("call parse() once", "parse")]
    [InlineData("HTTPServer keeps sockets", "HTTPServer")]
    [InlineData("Fix the HTTP cache for JSON", null)]
    [InlineData("plain words only here", null)]
    public void Identifiers_are_words_that_can_only_be_code(string query, string? expected)
    {
        var found = QueryAnalyzer.Identifiers(query);

        if (expected is null) Assert.Empty(found);
        else Assert.Equal([expected], found);
    }

    [Theory]
    [InlineData("tests/test_http.py", true)]
    [InlineData("pkg/router_test.go", true)]
    [InlineData("src/app.test.ts", true)]
    [InlineData("lib/core.spec.js", true)]
    [InlineData("src/Shop.Tests/OrderTests.cs", true)]
    [InlineData("src/main/java/FooTest.java", true)]
    [InlineData("conftest.py", true)]
    [InlineData("src/werkzeug/testapp.py", false)]
    [InlineData("src/latest.py", false)]
    [InlineData("src/Contest.cs", false)]
    [InlineData("pkg/router.go", false)]
    public void Test_files_are_recognised_by_the_usual_conventions(string path, bool isTest) =>
        Assert.Equal(isTest, TestFiles.IsTest(path));

    [Fact]
    public async Task A_git_checkout_ranks_by_its_history_end_to_end()
    {
        using var repo = new TempGitRepository();
        repo.Write("app/alpha.py", "def alpha(value):\n    # one second of drift\n    return value + 1\n");
        repo.Write("app/beta.py", "def beta(value):\n    return value - 1\n");
        repo.Commit("Initial import");
        repo.Write("app/beta.py", "def beta(value):\n    return value - 2\n");
        repo.Commit("Compensate for the leap second drift in timestamps");
        var index = new CodeIndex();
        var embedder = new HashingEmbedder();
        await new RepositoryIndexer(embedder, IndexingOptions.Default).IndexAsync(repo.Root, index);

        var withHistory = await new HybridSearcher(embedder, Off with { History = 2, FieldCandidates = 50 }).SearchAsync(index, new SearchRequest("leap second drift"), CancellationToken.None);
        var without = await new HybridSearcher(embedder, Off).SearchAsync(index, new SearchRequest("leap second drift"), CancellationToken.None);

        Assert.Equal("app/beta.py", withHistory.Files[0].Path);
        Assert.Equal("app/alpha.py", without.Files[0].Path);
    }
}
