using System.Text.RegularExpressions;

namespace RagService.Indexing;

/// <summary>Where a definition pattern applies: outside any type, or directly inside a type's body.</summary>
public enum PatternScope { TopLevel, Member, Anywhere }

/// <summary>
/// A regular expression that recognises the first line of a definition. Group <c>name</c> is the symbol;
/// optional group <c>owner</c> qualifies it (Go method receivers).
/// </summary>
public sealed record DefinitionPattern(Regex Regex, string Kind, bool IsContainer, PatternScope Scope)
{
    public static DefinitionPattern Create(string pattern, string kind, bool isContainer, PatternScope scope) =>
        new(new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)), kind, isContainer, scope);
}
