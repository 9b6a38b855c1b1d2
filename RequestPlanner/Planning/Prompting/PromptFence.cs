namespace RequestPlanner.Planning.Prompting;

/// <summary>
/// Fences around untrusted text in a prompt (retrieved code, the request itself). A fence is a line
/// <c>&lt;&lt;&lt;NAME attributes&gt;&gt;&gt;</c> … <c>&lt;&lt;&lt;END NAME&gt;&gt;&gt;</c>. Any <c>&lt;&lt;&lt;</c> or <c>&gt;&gt;&gt;</c>
/// inside the fenced text is broken up, so a snippet cannot close its fence early and smuggle
/// text that reads like our instructions.
/// </summary>
public static class PromptFence
{
    public const string Open = "<<<";
    public const string Close = ">>>";

    public static string Escape(string text) =>
        text.Replace(Open, "< < <", StringComparison.Ordinal).Replace(Close, "> > >", StringComparison.Ordinal);

    /// <summary>Escaped, and on one line: for attribute values such as paths and symbol names.</summary>
    public static string EscapeAttribute(string text) =>
        Escape(text).Replace('\r', ' ').Replace('\n', ' ');

    /// <summary>
    /// <c>&lt;&lt;&lt;NAME label attributes&gt;&gt;&gt;</c>, the escaped body, <c>&lt;&lt;&lt;END NAME label&gt;&gt;&gt;</c>.
    /// The label (e.g. a snippet number) repeats in the closing line so the model can pair them.
    /// </summary>
    public static string Wrap(string name, string label, string attributes, string body)
    {
        var id = label.Length == 0 ? name : $"{name} {label}";
        var begin = attributes.Length == 0 ? id : $"{id} {attributes}";
        return $"{Open}{begin}{Close}\n{Escape(body)}\n{Open}END {id}{Close}";
    }
}
