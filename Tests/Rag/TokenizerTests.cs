using RagService.Search;

namespace Tests.Rag;

public sealed class TokenizerTests
{
    [Theory]
    [InlineData("HttpClientFactory", new[] { "httpclientfactory", "http", "client", "factory" })]
    [InlineData("snake_case_name", new[] { "snake_case_name", "snake", "case", "name" })]
    [InlineData("parseHTTPResponse", new[] { "parsehttpresponse", "parse", "http", "response" })]
    [InlineData("XMLHttpRequest", new[] { "xmlhttprequest", "xml", "http", "request" })]
    [InlineData("getUserIDs", new[] { "getuserid", "get", "user", "id" })]
    [InlineData("utf8Decoder", new[] { "utf8decoder", "utf", "decoder" })]
    [InlineData("sha256", new[] { "sha256", "sha", "256" })]
    [InlineData("__init__", new[] { "init" })]
    public void Identifiers_split_into_lower_case_parts_and_keep_the_whole(string text, string[] expected)
    {
        Assert.Equal(expected, CodeTokenizer.Tokenize(text));
    }

    [Fact]
    public void Prose_loses_stop_words_and_plurals_fold()
    {
        Assert.Equal(["order", "saved", "disk"], CodeTokenizer.Tokenize("The orders are saved to the disk"));
    }

    [Fact]
    public void Letters_beyond_ascii_are_word_characters_and_other_symbols_separate_words()
    {
        Assert.Equal(["naïvecafé", "naïve", "café", "straße", "foo", "bar"], CodeTokenizer.Tokenize("naïveCafés straße foo—bar"));
        Assert.Equal(["naïveCafés", "straße", "foo", "bar"], CodeTokenizer.Words("naïveCafés straße foo—bar"));
    }

    [Fact]
    public void A_word_seen_again_gets_the_terms_it_got_the_first_time()
    {
        // A word no other test uses, so the first tokenization computes its terms and the second reads them back.
        var stem = string.Concat(Guid.NewGuid().ToString("N").Select(c => (char)('a' + c % 26)));
        var text = $"call Qx{stem}WidgetIDs(orders) then Qx{stem}WidgetIDs";
        string[] word = [$"qx{stem}widgetid", $"qx{stem}", "widget", "id"];
        string[] expected = ["call", .. word, "order", .. word];

        Assert.Equal(expected, CodeTokenizer.Tokenize(text));
        Assert.Equal(expected, CodeTokenizer.Tokenize(text));
    }

    [Theory]
    [InlineData("orders", "order")]
    [InlineData("policies", "policy")]
    [InlineData("classes", "class")]
    [InlineData("matches", "match")]
    [InlineData("boxes", "box")]
    [InlineData("services", "service")]
    [InlineData("caches", "cache")]
    [InlineData("status", "status")]
    [InlineData("analysis", "analysis")]
    [InlineData("class", "class")]
    public void Plurals_fold_to_singular(string word, string expected)
    {
        Assert.Equal(expected, PluralFolder.Fold(word));
    }

    [Fact]
    public void Queries_weight_change_verbs_low_and_join_adjacent_words()
    {
        var terms = QueryAnalyzer.Analyze("Fix the order service").ToDictionary(t => t.Term, t => t.Weight);

        Assert.Equal(QueryAnalyzer.ChangeVerbWeight, terms["fix"]);
        Assert.Equal(1.0, terms["order"]);
        Assert.Equal(1.0, terms["service"]);
        Assert.Equal(QueryAnalyzer.JoinedWordsWeight, terms["orderservice"]);
        Assert.False(terms.ContainsKey("the"));
    }
}
