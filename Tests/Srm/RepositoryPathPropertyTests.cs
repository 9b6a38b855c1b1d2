using FsCheck;
using FsCheck.Fluent;
using Srm.Validation;

namespace Tests.Srm;

/// <summary>Generated paths: any normalized relative path is accepted; any way out of the tree is refused.</summary>
public sealed class RepositoryPathPropertyTests
{
    private static readonly Gen<string> Segment =
        Gen.Elements("src", "App", "Program.cs", "a..b", "..c", "x.", "My File.txt", "Grüße", "-", "_", "v1.2", ".editorconfig", "...")
            .Where(s => s is not "." and not ".." && !s.Equals(".git", StringComparison.OrdinalIgnoreCase));

    private static readonly Gen<List<string>> Segments =
        Gen.NonEmptyListOf(Segment).Select(l => l.Take(12).ToList());

    [Fact]
    public void Normalized_relative_paths_are_accepted() =>
        Prop.ForAll(Arb.From(Segments), segments => RepositoryPath.Problem(string.Join('/', segments)) is null)
            .QuickCheckThrowOnFailure();

    [Fact]
    public void A_dot_dot_segment_anywhere_is_refused() =>
        Prop.ForAll(Arb.From(Segments.SelectMany(s => Gen.Choose(0, s.Count).Select(at => (s, at)))), input =>
        {
            var (segments, at) = input;
            var path = string.Join('/', segments.Take(at).Append("..").Concat(segments.Skip(at)));
            return RepositoryPath.Problem(path) == "must stay inside the repository: '..' segments are not allowed";
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Absolute_backslashed_or_control_character_paths_are_refused() =>
        Prop.ForAll(Arb.From(Segments.SelectMany(s => Gen.Choose(0, 3).Select(how => (s, how)))), input =>
        {
            var (segments, how) = input;
            var path = string.Join('/', segments);
            var spoiled = how switch
            {
                0 => "/" + path,
                1 => string.Join('\\', segments) + "\\x",
                2 => path + "\0",
                _ => "C:/" + path,
            };
            return RepositoryPath.Problem(spoiled) is not null;
        }).QuickCheckThrowOnFailure();
}
