using System.Text;

namespace ServiceDefaults.Metrics;

/// <summary>Prometheus metric/label names and escaping (text exposition format 0.0.4).</summary>
internal static class PrometheusNaming
{
    public static string MetricName(string instrumentName, string? unit, bool isCounter)
    {
        var name = Sanitise(instrumentName, allowColon: true);
        var unitSuffix = UnitSuffix(unit);
        if (isCounter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }
        if (unitSuffix is not null && !name.EndsWith("_" + unitSuffix, StringComparison.Ordinal))
        {
            name += "_" + unitSuffix;
        }
        return isCounter ? name + "_total" : name;
    }

    public static string LabelName(string tagKey) => Sanitise(tagKey, allowColon: false);

    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
             .Replace("\"", "\\\"", StringComparison.Ordinal)
             .Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string? UnitSuffix(string? unit) => unit switch
    {
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        _ => null, // "1", "{request}" annotations and unknown units add nothing
    };

    private static string Sanitise(string name, bool allowColon)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            builder.Append(valid ? c : '_');
        }
        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }
        return builder.ToString();
    }
}
