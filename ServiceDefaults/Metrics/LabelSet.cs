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
        // Runs on every measurement: a small array sort rather than a dictionary.
        var labels = new (string Name, string Value)[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = (PrometheusNaming.LabelName(tags[i].Key),
                Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }
        // Insertion sort: tag sets are tiny, and it is stable, so when two tags sanitise to the same
        // label name the first one wins.
        for (var i = 1; i < labels.Length; i++)
        {
            var current = labels[i];
            var j = i - 1;
            for (; j >= 0 && string.CompareOrdinal(labels[j].Name, current.Name) > 0; j--)
            {
                labels[j + 1] = labels[j];
            }
            labels[j + 1] = current;
        }
        var builder = new StringBuilder();
        string? previous = null;
        foreach (var (name, value) in labels)
        {
            if (name == previous)
            {
                continue;
            }
            if (builder.Length > 0)
            {
                builder.Append(',');
            }
            builder.Append(name).Append("=\"").Append(PrometheusNaming.EscapeLabelValue(value)).Append('"');
            previous = name;
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
