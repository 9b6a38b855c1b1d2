using System.Text.RegularExpressions;

namespace RagService.Indexing;

/// <summary>Definition patterns and lexical details of a brace-delimited language.</summary>
public sealed record BraceLanguage(
    string Name,
    IReadOnlyList<DefinitionPattern> Patterns,
    Regex? PackagePattern,
    bool BacktickStrings,
    bool ShortCharLiterals)
{
    private const string TsModifiers = @"(?:(?:public|private|protected|static|readonly|async|abstract|override|declare|get|set|accessor)\s+)*";
    private const string JavaModifiers = @"(?:(?:public|protected|private|static|final|abstract|synchronized|native|default|strictfp|transient|sealed|non-sealed)\s+)*";
    private const string JavaAnnotations = @"(?:@[\w.]+(?:\([^)]*\))?\s+)*";

    public static BraceLanguage Go { get; } = new(SourceLanguage.Go,
    [
        DefinitionPattern.Create(@"^func\s*\(\s*\w*\s*\*?\s*(?<owner>\w+)(?:\[[^\]]*\])?\s*\)\s*(?<name>\w+)", "method", false, PatternScope.TopLevel),
        DefinitionPattern.Create(@"^func\s+(?<name>\w+)", "function", false, PatternScope.TopLevel),
        DefinitionPattern.Create(@"^type\s+(?<name>\w+)(?:\[[^\]]*\])?\s+(?:struct|interface)\b", "type", false, PatternScope.TopLevel),
    ], new Regex(@"^package\s+(\w+)", RegexOptions.Multiline), BacktickStrings: true, ShortCharLiterals: false);

    public static BraceLanguage TypeScript { get; } = new(SourceLanguage.TypeScript, TsPatterns(), null, BacktickStrings: true, ShortCharLiterals: false);

    public static BraceLanguage JavaScript { get; } = TypeScript with { Name = SourceLanguage.JavaScript };

    public static BraceLanguage Java { get; } = new(SourceLanguage.Java,
    [
        DefinitionPattern.Create(@"^\s*" + JavaAnnotations + JavaModifiers + @"(?:class|interface|enum|record|@interface)\s+(?<name>\w+)", "class", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*" + JavaAnnotations + JavaModifiers + @"(?:<[^>]+>\s+)?(?:[\w.$]+(?:<[^()]*?>)?(?:\[\])*\s+)?(?<name>\w+)\s*\(", "method", false, PatternScope.Member),
    ], new Regex(@"^package\s+([\w.]+)\s*;", RegexOptions.Multiline), BacktickStrings: false, ShortCharLiterals: false);

    public static BraceLanguage Rust { get; } = new(SourceLanguage.Rust,
    [
        DefinitionPattern.Create(@"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?impl(?:<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?(?<name>\w+)", "impl", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?trait\s+(?<name>\w+)", "trait", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(?<name>\w+)\s*\{", "module", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+""[^""]*""\s+)?fn\s+(?<name>\w+)", "function", false, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|union)\s+(?<name>\w+)", "type", false, PatternScope.Anywhere),
    ], null, BacktickStrings: false, ShortCharLiterals: true);

    public static BraceLanguage Kotlin { get; } = new("kotlin",
    [
        DefinitionPattern.Create(@"^\s*(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:(?:public|private|internal|protected|open|abstract|sealed|data|enum|inner|annotation|value|companion)\s+)*(?:class|object|interface)\s+(?<name>\w+)", "class", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:(?:public|private|internal|protected|override|open|suspend|inline|abstract|operator|infix|tailrec|external)\s+)*fun\s+(?:<[^>]+>\s+)?(?:[\w.<>]+\.)?(?<name>\w+)\s*\(", "function", false, PatternScope.Anywhere),
    ], new Regex(@"^package\s+([\w.]+)", RegexOptions.Multiline), BacktickStrings: false, ShortCharLiterals: false);

    public static BraceLanguage Php { get; } = new("php",
    [
        DefinitionPattern.Create(@"^\s*(?:(?:abstract|final|readonly)\s+)*(?:class|interface|trait|enum)\s+(?<name>\w+)", "class", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:(?:public|private|protected|static|abstract|final)\s+)*function\s+&?(?<name>\w+)\s*\(", "function", false, PatternScope.Anywhere),
    ], new Regex(@"^namespace\s+([\w\\]+)\s*;", RegexOptions.Multiline), BacktickStrings: false, ShortCharLiterals: false);

    /// <summary>
    /// C and C++: namespaces, classes and structs with bodies are containers; a function definition is a line
    /// starting at column 0 (or inside a class) that names a function and does not end the statement. Keywords
    /// that look like calls (if, while, sizeof...) are rejected by name in <see cref="BraceChunker"/>.
    /// </summary>
    public static BraceLanguage C { get; } = new("c",
    [
        DefinitionPattern.Create(@"^\s*namespace\s+(?<name>[\w:]+)\s*\{?\s*$", "namespace", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:template\s*<[^>]*>\s*)?(?:typedef\s+)?(?:class|struct|union)\s+(?:\w+\s+)*?(?<name>\w+)\s*(?::[^;{]*)?\{?\s*$", "class", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*enum\s+(?:class\s+)?(?<name>\w+)[^;]*$", "enum", false, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^(?:[A-Za-z_][\w\s\*&:<>,~]*?[\s\*&]+)?(?<name>~?[A-Za-z_]\w*(?:::~?\w+)*)\s*\([^;]*$", "function", false, PatternScope.TopLevel),
        DefinitionPattern.Create(@"^\s+(?:[\w\*&:<>,~]+\s+)*\*?&?(?<name>~?[A-Za-z_]\w*)\s*\([^;]*$", "method", false, PatternScope.Member),
    ], null, BacktickStrings: false, ShortCharLiterals: true);

    private static List<DefinitionPattern> TsPatterns() =>
    [
        DefinitionPattern.Create(@"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?class\s+(?<name>\w+)", "class", true, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:export\s+)?(?:declare\s+)?(?:namespace|module)\s+(?<name>[\w.]+)\s*\{", "namespace", true, PatternScope.TopLevel),
        DefinitionPattern.Create(@"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?interface\s+(?<name>\w+)", "interface", false, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:export\s+)?(?:declare\s+)?(?:const\s+)?enum\s+(?<name>\w+)", "enum", false, PatternScope.Anywhere),
        DefinitionPattern.Create(@"^\s*(?:export\s+)?(?:declare\s+)?type\s+(?<name>\w+)\s*(?:<[^=]*>)?\s*=", "type", false, PatternScope.TopLevel),
        DefinitionPattern.Create(@"^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*(?<name>\w+)", "function", false, PatternScope.TopLevel),
        DefinitionPattern.Create(@"^\s*(?:export\s+)?(?:const|let|var)\s+(?<name>\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)?\s*(?::\s*[^=]+)?=>|\w+\s*=>|\(\s*$)", "function", false, PatternScope.TopLevel),
        DefinitionPattern.Create(@"^\s+" + TsModifiers + @"(?<name>#?\w+)\s*=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::\s*[^=]+)?=>", "method", false, PatternScope.Member),
        DefinitionPattern.Create(@"^\s+" + TsModifiers + @"\*?(?<name>#?\w+)\s*[?!]?\s*(?:<[^>]*>)?\s*\(", "method", false, PatternScope.Member),
    ];
}
