namespace RagService.Evaluation;

/// <summary>A picked commit: which repository (owner/name), its main language, the commit id, and whether it tunes or is held out.</summary>
public sealed record EvalCase(string Repository, string Language, string Commit, string Split)
{
    public const string Tune = "tune";
    public const string HeldOut = "heldout";
}

/// <summary>A case regenerated from a snapshot: the parent to index, the query and the gold files.</summary>
public sealed record MinedCase(EvalCase Case, string Parent, long Time, string Query, IReadOnlyList<string> Gold);
