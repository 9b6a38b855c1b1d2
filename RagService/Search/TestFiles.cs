namespace RagService.Search;

/// <summary>
/// Which paths hold tests or specs, by the conventions of the common ecosystems: a <c>test</c>/<c>tests</c>/<c>spec</c>/
/// <c>__tests__</c>/<c>testdata</c> folder, <c>test_x.py</c>, <c>x_test.go</c>, <c>x.test.ts</c>, <c>x.spec.js</c>,
/// <c>XTests.cs</c>, <c>XTest.java</c>, <c>conftest.py</c>.
/// </summary>
public static class TestFiles
{
    private static readonly HashSet<string> Folders = new(StringComparer.OrdinalIgnoreCase)
    {
        "test", "tests", "testing", "spec", "specs", "__tests__", "__test__", "testdata", "test_data", "e2e", "integration_tests",
    };

    private static readonly HashSet<string> QueryTerms = new(StringComparer.Ordinal)
    {
        "test", "testing", "tested", "unittest", "pytest", "spec", "jest", "mocha", "vitest", "xunit", "nunit", "junit", "fixture", "e2e", "coverage",
    };

    public static bool IsTest(string path)
    {
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (Folders.Contains(segments[i]) || segments[i].EndsWith(".Tests", StringComparison.Ordinal) || segments[i].EndsWith(".Test", StringComparison.Ordinal)) return true;
        }
        var name = segments[^1];
        var dot = name.IndexOf('.', 1);
        var stem = dot > 0 ? name[..dot] : name;
        var inner = name.LastIndexOf('.') is var last && last > 0 ? name[..last] : name; // "x.test" of "x.test.ts"
        return stem.StartsWith("test_", StringComparison.OrdinalIgnoreCase)
            || stem.EndsWith("_test", StringComparison.OrdinalIgnoreCase)
            || stem.EndsWith("_tests", StringComparison.OrdinalIgnoreCase)
            || stem.Equals("conftest", StringComparison.OrdinalIgnoreCase)
            || stem.Equals("test", StringComparison.OrdinalIgnoreCase)
            || stem.Equals("tests", StringComparison.OrdinalIgnoreCase)
            || inner.EndsWith(".test", StringComparison.OrdinalIgnoreCase)
            || inner.EndsWith(".spec", StringComparison.OrdinalIgnoreCase)
            || stem.EndsWith("Test", StringComparison.Ordinal)
            || stem.EndsWith("Tests", StringComparison.Ordinal)
            || stem.EndsWith("Spec", StringComparison.Ordinal);
    }

    /// <summary>Whether a request is about tests (then test files are ranked like any other file).</summary>
    public static bool IsAboutTests(IEnumerable<WeightedTerm> queryTerms) => queryTerms.Any(t => QueryTerms.Contains(t.Term));
}
