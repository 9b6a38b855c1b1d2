using System.Diagnostics;

namespace Tests.EndToEnd;

/// <summary>A small git repository on disk for the pipeline to plan against.</summary>
public static class SampleRepository
{
    public static string Create()
    {
        var root = Directory.CreateTempSubdirectory("pipeline-repo-").FullName;
        // As root, services may hand paths to other users (Postgres runs as 'postgres'); keep it readable.
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        Write(root, "src/App/Program.cs", """
            namespace SampleApp;

            public static class Program
            {
                public static void Main(string[] args)
                {
                    var store = new OrderStore();
                    store.Add(new Order("o-1", 42m));
                    Console.WriteLine($"orders: {store.Count}");
                }
            }
            """);
        Write(root, "src/App/OrderStore.cs", """
            namespace SampleApp;

            public sealed record Order(string Id, decimal Total);

            /// <summary>Keeps orders in memory.</summary>
            public sealed class OrderStore
            {
                private readonly List<Order> _orders = new();

                public int Count => _orders.Count;

                public void Add(Order order) => _orders.Add(order);

                public decimal TotalRevenue() => _orders.Sum(o => o.Total);
            }
            """);
        Write(root, "scripts/report.py", """
            def format_report(orders):
                return "\n".join(f"{o['id']}: {o['total']}" for o in orders)
            """);
        Write(root, "README.md", "# Sample app\nA tiny order store used by the pipeline's end-to-end tests.\n");
        Git(root, "init", "-q", "-b", "main");
        Git(root, "add", ".");
        Git(root, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "sample app");
        return root;
    }

    /// <summary>Adds <paramref name="branch"/> at the current commit: the front door refuses branches a working tree lacks.</summary>
    public static void AddBranch(string root, string branch) => Git(root, "branch", "-f", branch);

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static void Git(string root, params string[] args)
    {
        using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {git.StandardError.ReadToEnd()}");
    }
}
