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
        // NonBacktracking: matching time is linear in the line length whatever the pattern, so a pathological line
        // (minified code) cannot stall indexing, and no timeout is needed (timeouts fire spuriously under load).
        new(new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), kind, isContainer, scope);
}
