namespace ServiceDefaults.Postgres;

/// <summary>An already-applied migration was edited afterwards; the database and the code disagree.</summary>
public sealed class MigrationChecksumMismatchException(IReadOnlyList<MigrationChecksumMismatch> mismatches)
    : InvalidOperationException(
        "Applied migrations were changed afterwards: " +
        string.Join("; ", mismatches.Select(m => $"{m.Migration.DisplayName} (applied checksum {m.AppliedChecksum}, now {m.Migration.Checksum})")) +
        ". Restore the original files and put the change in a new migration.")
{
    public IReadOnlyList<MigrationChecksumMismatch> Mismatches { get; } = mismatches;
}

public sealed record MigrationChecksumMismatch(SqlMigration Migration, string AppliedChecksum);
