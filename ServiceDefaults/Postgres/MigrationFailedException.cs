namespace ServiceDefaults.Postgres;

/// <summary>A migration's SQL failed; its transaction was rolled back and nothing of it remains.</summary>
public sealed class MigrationFailedException(SqlMigration migration, Exception inner)
    : InvalidOperationException(
        $"Migration {migration.DisplayName} failed and was rolled back: {inner.Message}. Fix the SQL (or the database) and start again.",
        inner)
{
    public SqlMigration Migration { get; } = migration;
}
