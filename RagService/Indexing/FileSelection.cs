namespace RagService.Indexing;

/// <summary>A file to index: its repository-relative path and the real path its bytes are read from.</summary>
public sealed record SelectedFile(string Path, string RealPath);

/// <summary>The files of a working tree worth reading, and how many listed ones were left out before reading.</summary>
public sealed record FileSelection(IReadOnlyList<SelectedFile> Files, int Ignored, int OutsideRoot);
