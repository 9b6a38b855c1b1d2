using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Srm.Leases;

namespace Srm.Bench;

/// <summary>
/// The anchor of the single phase: pgbench on the Srm's own database, with the same number of clients, running
/// the very statements one iteration makes the Srm run (<see cref="LeaseStore.ReserveSql"/> for one random symbol,
/// then <see cref="LeaseStore.ReleaseSql"/> of the lease it returned), prepared, for the same duration.
/// Its transactions per second is what the Srm's reservations per second are compared with.
/// </summary>
public static partial class PgbenchAnchor
{
    public static async Task<double> RunAsync(string connectionString, BenchOptions options, string repo, CancellationToken cancellationToken)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        var script = Path.Combine(Path.GetTempPath(), $"srm-bench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, Script(repo, options), cancellationToken);
        try
        {
            var start = new ProcessStartInfo(FindPgbench())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "-n", "-M", "prepared", "-f", script, "-T", options.Seconds.ToString(CultureInfo.InvariantCulture),
                "-c", options.Clients.ToString(CultureInfo.InvariantCulture), "-j", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
                "-h", database.Host ?? "127.0.0.1", "-p", database.Port.ToString(CultureInfo.InvariantCulture),
                "-U", database.Username ?? "postgres", database.Database ?? "srmdb",
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PGPASSWORD"] = database.Password ?? "";
            using var pgbench = Process.Start(start)!;
            var output = pgbench.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = pgbench.StandardError.ReadToEndAsync(cancellationToken);
            await pgbench.WaitForExitAsync(cancellationToken);
            var match = Tps().Match(await output);
            return pgbench.ExitCode == 0 && match.Success
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench failed ({pgbench.ExitCode}): {await errors}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>The pgbench script: LeaseStore's statements with their parameters bound as one iteration binds them.</summary>
    public static string Script(string repo, BenchOptions options)
    {
        var reserve = LeaseStore.ReserveSql
            .Replace("$7", "ARRAY['src/Type' || :type || '.cs']", StringComparison.Ordinal)
            .Replace("$6", "ARRAY['method']", StringComparison.Ordinal)
            .Replace("$5", "ARRAY['Bench.Type' || :type || '.Method' || :sym]", StringComparison.Ordinal)
            .Replace("$4", "ARRAY['main']", StringComparison.Ordinal)
            .Replace("$3", $"ARRAY['{repo}']", StringComparison.Ordinal)
            .Replace("$2", options.TtlSeconds.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$1", "ARRAY['bench-pgbench-' || :client_id]", StringComparison.Ordinal);
        var release = LeaseStore.ReleaseSql.Replace("$1", "ARRAY[:lease_id]::bigint[]", StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"""
            \set sym random(0, {options.Symbols - 1})
            \set type :sym / 10
            \set lease_id 0
            {reserve} \aset
            {release};

            """);
    }

    private static string FindPgbench()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "pgbench"));
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "bin", "pgbench"))
            : [];
        return onPath.Concat(debian).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("pgbench was not found (apt-get install postgresql); it is the anchor of the single phase.");
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex Tps();
}
