namespace RagService.Indexing;

/// <summary>
/// A definition found in a file. A container (type, class, namespace-like block) is split into its members;
/// a leaf (method, function, small type) becomes one chunk. Lines are 1-based and inclusive.
/// </summary>
public sealed record SymbolSpan(int StartLine, int EndLine, string Symbol, string Kind, bool IsContainer);
