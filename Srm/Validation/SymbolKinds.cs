namespace Srm.Validation;

/// <summary>
/// The symbol kinds a lease may name (matched case-insensitively, stored lower-case). Covers C#/Roslyn symbols
/// and the structural kinds of other languages; "file" leases a whole file (fq_name is then usually its path).
/// </summary>
public static class SymbolKinds
{
    public static readonly IReadOnlyList<string> All =
    [
        "namespace", "module", "file",
        "class", "interface", "struct", "record", "enum", "delegate", "type", "trait",
        "method", "constructor", "function", "property", "field", "event", "constant", "variable",
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical (lower-case) kind, or null when <paramref name="kind"/> is not one of <see cref="All"/>.</summary>
    public static string? Normalize(string kind) => Known.Contains(kind) ? kind.ToLowerInvariant() : null;
}
