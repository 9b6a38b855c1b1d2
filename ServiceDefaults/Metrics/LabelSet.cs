using System.Text;

namespace ServiceDefaults.Metrics;

/// <summary>
/// A measurement's tags rendered once as Prometheus labels (`a="x",b="y"`, sorted by name), which
/// doubles as the key of the series they belong to.
/// </summary>
internal static class LabelSet
{
    public static string Render(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            // Two tags that sanitise to the same label name would make a duplicate label: first wins.
            labels.TryAdd(PrometheusNaming.LabelName(tag.Key), Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }
        var builder = new StringBuilder();
        foreach (var (name, value) in labels)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }
            builder.Append(name).Append("=\"").Append(PrometheusNaming.EscapeLabelValue(value)).Append('"');
        }
        return builder.ToString();
    }

    /// <summary>`{labels}` or nothing; `extra` (e.g. `le="0.5"`) is appended last.</summary>
    public static string Braced(string labels, string? extra = null)
    {
        var all = string.IsNullOrEmpty(extra) ? labels : labels.Length == 0 ? extra : labels + "," + extra;
        return all.Length == 0 ? "" : "{" + all + "}";
    }
}
