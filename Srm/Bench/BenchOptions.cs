using System.Globalization;

namespace Srm.Bench;

/// <summary>
/// Arguments of <c>bench</c>: <c>--url http://127.0.0.1:PORT [--clients 32] [--seconds 20] [--warmup 10] [--symbols 1000]
/// [--batch 10] [--ttl 60] [--db CONNECTION_STRING]</c>. <c>--batch 0</c> skips the batch phase; <c>--db</c> (the
/// Srm's database) runs pgbench after the single phase as its anchor.
/// </summary>
public sealed record BenchOptions(
    Uri Url, int Clients, int Seconds, int WarmupSeconds, int Symbols, int BatchSize, int TtlSeconds, string? Database)
{
    public const string Usage =
        "usage: Srm bench --url http://127.0.0.1:PORT [--clients 32] [--seconds 20] [--warmup 10] [--symbols 1000] [--batch 10] [--ttl 60] [--db \"Host=..;Port=..;Username=..;Database=srmdb\"]";

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with the usage on bad input.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.\n{Usage}");
            }

            values[args[i][2..]] = args[i + 1];
        }

        var unknown = values.Keys.Except(["url", "clients", "seconds", "warmup", "symbols", "batch", "ttl", "db"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.\n{Usage}");
        }

        if (!values.TryGetValue("url", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"--url with the Srm's http address is required.\n{Usage}");
        }

        var batch = Number(values, "batch", 10, min: 0, max: 1000);
        return new BenchOptions(
            uri,
            Number(values, "clients", 32, min: 1, max: 1024),
            Number(values, "seconds", 20, min: 1, max: 3600),
            Number(values, "warmup", 10, min: 0, max: 3600),
            Number(values, "symbols", 1000, min: Math.Max(1, batch), max: 10_000_000),
            batch,
            Number(values, "ttl", 60, min: 1, max: 86_400),
            values.GetValueOrDefault("db"));
    }

    private static int Number(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"--{name} must be a whole number in {min}..{max}, not '{text}'.\n{Usage}");
    }
}
