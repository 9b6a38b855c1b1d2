namespace RequestPlanner.Planning.Prompting;

/// <summary>
/// Token estimate for prompt budgets (tiktoken is not available here).
/// BPE tokenisers of the GPT-4 family (cl100k_base, o200k_base) average about 4 characters per token
/// for English prose and about 3 to 3.5 for source code (short identifiers, punctuation, indentation).
/// We count ASCII at <see cref="AsciiCharsPerToken"/> = 3 characters per token, which over-estimates
/// prose and matches dense code: that is the safety margin. Non-ASCII characters (accents, CJK, emoji)
/// often take a token or more each, so each counts as one token. Every chat message adds a few tokens
/// of framing (<see cref="PerMessageOverhead"/>).
/// </summary>
public static class TokenEstimator
{
    public const double AsciiCharsPerToken = 3.0;
    public const int PerMessageOverhead = 8;

    public static int Estimate(string text)
    {
        var ascii = 0;
        var other = 0;
        foreach (var c in text)
        {
            if (c < 0x80) ascii++;
            else if (!char.IsLowSurrogate(c)) other++; // a surrogate pair is one character
        }
        return (int)Math.Ceiling(ascii / AsciiCharsPerToken) + other;
    }

    /// <summary>Estimate for a chat message: its text plus the framing.</summary>
    public static int EstimateMessage(string text) => Estimate(text) + PerMessageOverhead;

    /// <summary>
    /// The longest prefix of <paramref name="text"/> whose estimate fits <paramref name="tokens"/>,
    /// cut at a line break when one is near, so a truncated snippet does not end mid-line.
    /// </summary>
    public static string TruncateToTokens(string text, int tokens)
    {
        if (tokens <= 0) return string.Empty;
        if (Estimate(text) <= tokens) return text;
        // Binary search on the prefix length: Estimate is monotone in the length.
        int low = 0, high = text.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (Estimate(text[..mid]) <= tokens) low = mid;
            else high = mid - 1;
        }
        if (low > 0 && char.IsHighSurrogate(text[low - 1])) low--;
        var lastBreak = text.LastIndexOf('\n', Math.Max(0, low - 1));
        if (lastBreak > low * 3 / 4) low = lastBreak;
        return text[..low];
    }
}
