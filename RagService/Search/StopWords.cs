namespace RagService.Search;

/// <summary>
/// English function words dropped from documents and queries alike. Change descriptions are prose; these words
/// carry no signal about which code is meant. Code keywords are not here: BM25's IDF already discounts them,
/// and some ("get", "set", "new") are meaningful in queries about code.
/// </summary>
public static class StopWords
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "nor", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto",
        "as", "is", "are", "was", "were", "be", "been", "being", "am", "it", "its", "it's", "this", "that", "these", "those",
        "there", "here", "then", "than", "so", "such", "if", "when", "which", "who", "whom", "whose", "what", "where",
        "why", "how", "we", "our", "us", "you", "your", "he", "she", "his", "her", "they", "them", "their", "me", "my",
        "do", "does", "did", "done", "doing", "can", "could", "should", "would", "will", "shall", "may", "might", "must",
        "has", "have", "had", "having", "also", "too", "very", "just", "only", "but", "because", "while", "about",
        "above", "below", "over", "under", "again", "further", "once", "both", "each", "few", "more", "most", "other",
        "some", "any", "all", "own", "same", "per", "via", "up", "down", "out", "off", "after", "before", "between",
        "through", "during", "without", "within", "upon", "etc", "eg", "ie", "let's", "lets", "want", "need", "needs",
        "please", "make", "makes", "made",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> WordsBySpan = Words.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsStopWord(string lowerCaseWord) => Words.Contains(lowerCaseWord);

    public static bool IsStopWord(ReadOnlySpan<char> lowerCaseWord) => WordsBySpan.Contains(lowerCaseWord);
}
