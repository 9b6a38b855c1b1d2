using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ServiceDefaults.Postgres;

/// <summary>
/// Applies versioned SQL migrations: under a session-level <c>pg_advisory_lock</c> (so replicas starting
/// together take turns), each migration in its own transaction together with its row in
/// <c>schema_migrations</c> (version, name, applied_at, checksum). Already-applied migrations are skipped;
/// an applied one whose text changed stops the run before anything new is applied.
/// </summary>
public static class PostgresMigrator
{
    /// <summary>Advisory lock key ("SDMIGRAT" in ASCII); advisory locks are per database.</summary>
    public const long AdvisoryLockKey = 0x53444D4947524154;

    public static Task<MigrationResult> MigrateAsync(NpgsqlDataSource dataSource, Assembly assembly, CancellationToken cancellationToken = default) =>
        MigrateAsync(dataSource, SqlMigrations.FromAssembly(assembly), logger: null, cancellationToken);

    public static async Task<MigrationResult> MigrateAsync(NpgsqlDataSource dataSource, IEnumerable<SqlMigration> migrations,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var ordered = migrations.OrderBy(m => m.Version).ToArray();
        var target = ConnectionStringRedaction.Describe(dataSource.ConnectionString);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLockKey})", connection))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                logger.LogInformation("Another instance is migrating {Target}; waiting for its advisory lock", target);
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
            }
        }
        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    bigint      PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    checksum   text        NOT NULL
                )
                """, cancellationToken);

            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var mismatches = ordered
                .Where(m => applied.TryGetValue(m.Version, out var checksum) && checksum != m.Checksum)
                .Select(m => new MigrationChecksumMismatch(m, applied[m.Version]))
                .ToArray();
            if (mismatches.Length > 0)
            {
                throw new MigrationChecksumMismatchException(mismatches);
            }
            var known = ordered.Select(m => m.Version).ToHashSet();
            foreach (var unknown in applied.Keys.Where(v => !known.Contains(v)).Order())
            {
                logger.LogWarning("Database {Target} has migration {Version} applied that this code does not know; it may be newer than this build", target, unknown);
            }

            var newlyApplied = new List<SqlMigration>();
            foreach (var migration in ordered.Where(m => !applied.ContainsKey(m.Version)))
            {
                await ApplyAsync(connection, migration, cancellationToken);
                newlyApplied.Add(migration);
                logger.LogInformation("Applied migration {Migration} to {Target}", migration.DisplayName, target);
            }
            if (newlyApplied.Count == 0)
            {
                logger.LogDebug("Database {Target} is up to date ({Count} migrations)", target, applied.Count);
            }
            return new MigrationResult(newlyApplied, ordered.Length - newlyApplied.Count);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    // Without cancellation: the lock must not outlive this run on a pooled connection.
                    await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                    // A broken connection has lost its session, and the lock with it; keep the original error.
                }
            }
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, SqlMigration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)", connection, transaction);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("name", migration.Name);
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new MigrationFailedException(migration, exception);
        }
    }

    private static async Task<Dictionary<long, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<long, string>();
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt64(0)] = reader.GetString(1);
        }
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        // No command timeout: a migration may legitimately rewrite a large table; cancellation still applies.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
