using System.Globalization;
using System.Text;

namespace Tests.Hosting;

/// <summary>A small parser for the Prometheus text exposition format 0.0.4, strict enough to catch malformed output.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

public sealed class PrometheusText
{
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Help { get; } = new(StringComparer.Ordinal);

    public List<PrometheusSample> Samples { get; } = [];

    public IEnumerable<PrometheusSample> Series(string name) => Samples.Where(s => s.Name == name);

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(result.Types.TryAdd(parts[0], parts[1]), $"duplicate TYPE for {parts[0]}");
                continue;
            }
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var space = line.IndexOf(' ', 7);
                result.Help[line[7..space]] = Unescape(line[(space + 1)..], escapeQuotes: false);
                continue;
            }
            Assert.False(line.StartsWith('#'), $"unexpected comment: {line}");
            result.Samples.Add(ParseSample(line));
        }
        return result;
    }

    private static PrometheusSample ParseSample(string line)
    {
        var position = 0;
        while (position < line.Length && (char.IsAsciiLetterOrDigit(line[position]) || line[position] is '_' or ':'))
        {
            position++;
        }
        var name = line[..position];
        Assert.False(string.IsNullOrEmpty(name), $"no metric name: {line}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                var equals = line.IndexOf('=', position);
                var labelName = line[position..equals];
                Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", labelName);
                Assert.Equal('"', line[equals + 1]);
                position = equals + 2;
                var value = new StringBuilder();
                while (line[position] != '"')
                {
                    if (line[position] == '\\')
                    {
                        position++;
                        value.Append(line[position] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            var other => throw new FormatException($"invalid escape \\{other} in {line}"),
                        });
                    }
                    else
                    {
                        value.Append(line[position]);
                    }
                    position++;
                }
                Assert.True(labels.TryAdd(labelName, value.ToString()), $"duplicate label {labelName}: {line}");
                position++;
                if (line[position] == ',')
                {
                    position++;
                }
            }
            position++;
        }
        Assert.Equal(' ', line[position]);
        var valueText = line[(position + 1)..].Split(' ')[0]; // an optional timestamp follows
        var number = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }

    private static string Unescape(string text, bool escapeQuotes) =>
        text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal)
            .Replace(escapeQuotes ? "\\\"" : "\u0000", escapeQuotes ? "\"" : "\u0000", StringComparison.Ordinal);
}
