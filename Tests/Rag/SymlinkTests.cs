using RagService.Indexing;
using RagService.Search;

namespace Tests.Rag;

/// <summary>A repository's symbolic links never let the index read a file outside the repository.</summary>
public sealed class SymlinkTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Links_to_files_outside_the_repository_are_never_read_and_are_counted(bool withGit)
    {
        using var repo = new SampleRepository(initGit: withGit);
        var outside = Directory.CreateTempSubdirectory("rag-outside-");
        try
        {
            File.WriteAllText(Path.Combine(outside.FullName, "secret.py"), "def leaked_secret():\n    return 'hunter2 outside the repository'\n");
            File.CreateSymbolicLink(Path.Combine(repo.Root, "passwd_link.txt"), "/etc/passwd");
            File.CreateSymbolicLink(Path.Combine(repo.Root, "app", "secret_link.py"), Path.Combine(outside.FullName, "secret.py"));
            Directory.CreateSymbolicLink(Path.Combine(repo.Root, "etc_dir"), outside.FullName);
            File.CreateSymbolicLink(Path.Combine(repo.Root, "app", "orders_alias.py"), "orders.py"); // inside: indexed
            var index = new CodeIndex();
            var embedder = new HashingEmbedder();

            var report = await new RepositoryIndexer(embedder, IndexingOptions.Default).IndexAsync(repo.Root, index);

            Assert.Equal(3, report.Skipped.OutsideRoot);
            Assert.DoesNotContain("passwd_link.txt", index.Paths());
            Assert.DoesNotContain("app/secret_link.py", index.Paths());
            Assert.DoesNotContain(index.Paths(), p => p.StartsWith("etc_dir", StringComparison.Ordinal));
            Assert.Contains("app/orders_alias.py", index.Paths());
            var searcher = new HybridSearcher(embedder);
            foreach (var query in new[] { "root x 0 0 root bin bash", "passwd", "leaked secret hunter2" })
            {
                var reply = await searcher.SearchAsync(index, new SearchRequest(query, 20, 0.3f), CancellationToken.None);
                Assert.DoesNotContain(reply.Hits, h => h.Text.Contains("root:x:0:0", StringComparison.Ordinal) || h.Text.Contains("hunter2", StringComparison.Ordinal));
            }
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }

    [Fact]
    public void Real_paths_resolve_links_in_any_folder_of_the_path()
    {
        var top = Directory.CreateTempSubdirectory("rag-realpath-");
        try
        {
            var real = Directory.CreateDirectory(Path.Combine(top.FullName, "real", "deep"));
            File.WriteAllText(Path.Combine(real.FullName, "f.txt"), "x");
            Directory.CreateSymbolicLink(Path.Combine(top.FullName, "up"), "real");
            File.CreateSymbolicLink(Path.Combine(top.FullName, "loop"), "loop");

            Assert.Equal(Path.Combine(RealPath.Resolve(top.FullName)!, "real", "deep", "f.txt"), RealPath.Resolve(Path.Combine(top.FullName, "up", "deep", "f.txt")));
            Assert.Null(RealPath.Resolve(Path.Combine(top.FullName, "loop")));
            Assert.True(RealPath.IsUnder("/a/b/c", "/a/b"));
            Assert.False(RealPath.IsUnder("/a/bc", "/a/b"));
        }
        finally
        {
            top.Delete(recursive: true);
        }
    }
}
