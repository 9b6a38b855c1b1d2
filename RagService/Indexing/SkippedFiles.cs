using System.Globalization;

namespace RagService.Indexing;

/// <summary>Why listed files were not indexed, counted by reason.</summary>
/// <param name="Ignored">Under a vendored or generated folder, or of an excluded name or extension (<see cref="IndexingOptions"/>).</param>
/// <param name="OutsideRoot">Symbolic links whose target is outside the repository (never read).</param>
public sealed record SkippedFiles(int Binary, int TooLarge, int Ignored, int OutsideRoot)
{
    public static readonly SkippedFiles None = new(0, 0, 0, 0);

    public int Total => Binary + TooLarge + Ignored + OutsideRoot;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Binary} binary, {TooLarge} too large, {Ignored} ignored, {OutsideRoot} symlinked outside the repository");
}
