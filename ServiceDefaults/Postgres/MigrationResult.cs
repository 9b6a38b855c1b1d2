namespace ServiceDefaults.Postgres;

/// <summary>What a migration run did: the migrations it applied, and how many were already there.</summary>
public sealed record MigrationResult(IReadOnlyList<SqlMigration> Applied, int AlreadyApplied);
