namespace RagService.Search;

/// <summary>Bounds on search input, checked before any work.</summary>
public static class SearchLimits
{
    public const int DefaultK = 8;
    public const float DefaultAlpha = 0.3f;
    public const int MinK = 1;
    public const int MaxK = 100;

    /// <summary>Queries are change descriptions or commit messages; 8 KiB holds a long one with its body.</summary>
    public const int MaxQueryChars = 8192;

    /// <summary>Throws <see cref="InvalidSearchRequestException"/> naming the first problem and the accepted range.</summary>
    public static void Validate(SearchRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
            throw new InvalidSearchRequestException("query", "The query is empty; describe the change or the code you are looking for.");
        if (request.Query.Length > MaxQueryChars)
            throw new InvalidSearchRequestException("query", $"The query has {request.Query.Length} characters; the limit is {MaxQueryChars}. Shorten it to the essential description.");
        if (request.K is < MinK or > MaxK)
            throw new InvalidSearchRequestException("k", $"k = {request.K} is out of range; ask for {MinK} to {MaxK} results.");
        if (float.IsNaN(request.Alpha) || request.Alpha is < 0f or > 1f)
            throw new InvalidSearchRequestException("alpha", $"alpha = {request.Alpha} is out of range; use a value in [0, 1] (0 = lexical only, 1 = dense only).");
    }
}
