using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AppHost.Infrastructure;
using Npgsql;

namespace AppHost.Bench;

/// <summary>
/// The Orchestrator bench's anchor: pgbench's simple-update mix (<c>pgbench -N</c>: one account update, one select
/// and one history insert per transaction) on a scratch database of the same Postgres, measured just before the
/// load, so transitions/s can be read as a fraction of what this machine's Postgres does right now.
/// </summary>
public static partial class PgbenchAnchor
{
    public const int Scale = 10;

    /// <summary>Initialises the pgbench tables in <paramref name="connectionString"/>'s database and returns the tps of <c>pgbench -N</c>.</summary>
    public static async Task<double> RunAsync(string connectionString, int clients, int seconds, CancellationToken cancellationToken)
    {
        await RunPgbenchAsync(connectionString, ["-i", "-q", "-s", Scale.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        var output = await RunPgbenchAsync(connectionString,
            ["-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
             "-T", seconds.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        var match = Tps().Match(output);
        return match.Success
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"pgbench printed no tps: {output}");
    }

    private static async Task<string> RunPgbenchAsync(string connectionString, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Path.Combine(PostgresBinaries.Find(), "pgbench"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var argument in new[]
        {
            "-h", database.Host ?? "127.0.0.1", "-p", database.Port.ToString(CultureInfo.InvariantCulture),
            "-U", database.Username ?? "postgres", database.Database ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString)),
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PGPASSWORD"] = database.Password ?? "";

        using var pgbench = Process.Start(start)!;
        var output = pgbench.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = pgbench.StandardError.ReadToEndAsync(cancellationToken);
        await pgbench.WaitForExitAsync(cancellationToken);
        return pgbench.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"pgbench {string.Join(' ', start.ArgumentList.Take(2))} failed ({pgbench.ExitCode}): {await errors}");
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex Tps();
}
