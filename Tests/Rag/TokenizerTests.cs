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
