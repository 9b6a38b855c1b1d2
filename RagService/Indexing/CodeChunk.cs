namespace RagService.Indexing;

/// <summary>
/// A piece of a file that is searched and returned as a unit. Lines are 1-based and inclusive.
/// <see cref="Symbol"/> is the fully-qualified name of the definition the chunk holds (<c>Ns.Type.Method</c>),
/// the enclosing type or namespace for code between definitions, or empty for plain text.
/// </summary>
public sealed record CodeChunk(string Path, int StartLine, int EndLine, string Symbol, string Kind, string Language, string Text);
