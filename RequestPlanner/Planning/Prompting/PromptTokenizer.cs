using Microsoft.ML.Tokenizers;

namespace RequestPlanner.Planning.Prompting;

/// <summary>
/// Counts prompt tokens with the model's own BPE (Microsoft.ML.Tokenizers' tiktoken): o200k_base for the gpt-4o
/// family and the models after it (gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4), cl100k_base for every other
/// name (gpt-4, gpt-3.5, and local models served through an OpenAI-compatible API, whose own vocabularies are
/// unknown here). Each chat message adds <see cref="PerMessageOverhead"/> tokens of framing
/// (<c>&lt;|im_start|&gt;role ... &lt;|im_end|&gt;</c>), as OpenAI counts them.
/// </summary>
public sealed class PromptTokenizer
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";
    public const int PerMessageOverhead = 3;

    private static readonly string[] O200kModelPrefixes = ["gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4"];

    private readonly Tokenizer tokenizer;

    private PromptTokenizer(string encoding)
    {
        Encoding = encoding;
        tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
    }

    /// <summary>The tiktoken encoding in use.</summary>
    public string Encoding { get; }

    public static PromptTokenizer ForModel(string model) => new(EncodingFor(model));

    public static string EncodingFor(string model) =>
        O200kModelPrefixes.Any(prefix => model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) ? O200kBase : Cl100kBase;

    public int Count(string text) => tokenizer.CountTokens(text);

    /// <summary>A chat message: its text plus the framing.</summary>
    public int CountMessage(string text) => Count(text) + PerMessageOverhead;

    /// <summary>
    /// The longest prefix of <paramref name="text"/> of at most <paramref name="tokens"/> tokens, cut at a line
    /// break when one is near, so a truncated snippet does not end mid-line.
    /// </summary>
    public string Truncate(string text, int tokens)
    {
        if (tokens <= 0) return string.Empty;
        var end = tokenizer.GetIndexByTokenCount(text, tokens, out _, out _);
        if (end >= text.Length) return text;
        var lastBreak = text.LastIndexOf('\n', Math.Max(0, end - 1));
        if (lastBreak > end * 3 / 4) end = lastBreak;
        return text[..end];
    }
}
