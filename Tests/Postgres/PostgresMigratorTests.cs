using Npgsql;
using ServiceDefaults.Postgres;
using Tests.Infrastructure;

namespace Tests.Postgres;

public sealed class PostgresMigratorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static IReadOnlyList<SqlMigration> Samples() =>
        SqlMigrations.FromAssembly(typeof(PostgresMigratorTests).Assembly, "SampleMigrations");

    [Fact]
    public void Embedded_migrations_are_found_in_version_order()
    {
        var migrations = Samples();

        Assert.Equal([1L, 2L], migrations.Select(m => m.Version));
        Assert.Equal(["create_widgets", "add_widget_colour"], migrations.Select(m => m.Name));
        Assert.Contains("CREATE TABLE widgets", migrations[0].Sql);
    }

    [Fact]
    public async Task Migrations_are_applied_in_order_and_recorded()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("migrate_apply"));

        var result = await PostgresMigrator.MigrateAsync(dataSource, Samples());

        Assert.Equal([1L, 2L], result.Applied.Select(m => m.Version));
        Assert.Equal(0, result.AlreadyApplied);
        var rows = await QueryAsync(dataSource, "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2)));
        Assert.Equal(Samples().Select(m => (m.Version, m.Name, m.Checksum)), rows);
        // 0002 ran after 0001: it altered the table and inserted through the new default.
        var colours = await QueryAsync(dataSource, "SELECT colour || ':' || widget_name_length(name) FROM widgets", r => r.GetString(0));
        Assert.Equal(["blue:5"], colours);
    }

    [Fact]
    public async Task Running_again_applies_nothing_new()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("migrate_rerun"));
        await PostgresMigrator.MigrateAsync(dataSource, Samples());
        var firstAppliedAt = await QueryAsync(dataSource, "SELECT applied_at FROM schema_migrations ORDER BY version", r => r.GetDateTime(0));

        var second = await PostgresMigrator.MigrateAsync(dataSource, Samples());

        Assert.Empty(second.Applied);
        Assert.Equal(2, second.AlreadyApplied);
        Assert.Equal(firstAppliedAt, await QueryAsync(dataSource, "SELECT applied_at FROM schema_migrations ORDER BY version", r => r.GetDateTime(0)));
        Assert.Equal([1L], await QueryAsync(dataSource, "SELECT count(*) FROM widgets", r => r.GetInt64(0)));
    }

    [Fact]
    public async Task Concurrent_migrators_take_turns_under_the_advisory_lock()
    {
        var connectionString = await postgres.CreateDatabaseAsync("migrate_concurrent");
        // The sleep holds the first migrator inside 0001 while the others queue on the lock; without
        // the lock they would all see an empty schema_migrations and insert the row several times.
        SqlMigration[] migrations =
        [
            new(1, "slow_table", "CREATE TABLE counters (id int PRIMARY KEY, hits int NOT NULL); SELECT pg_sleep(0.3);"),
            new(2, "seed", "INSERT INTO counters VALUES (1, 0);"),
            new(3, "bump", "UPDATE counters SET hits = hits + 1;"),
        ];
        var dataSources = Enumerable.Range(0, 5).Select(_ => NpgsqlDataSource.Create(connectionString)).ToArray();
        try
        {
            var results = await Task.WhenAll(dataSources.Select(ds => Task.Run(() => PostgresMigrator.MigrateAsync(ds, migrations))));

            Assert.Equal(3, results.Sum(r => r.Applied.Count));
            Assert.Single(results, r => r.Applied.Count == 3);
            Assert.All(results.Where(r => r.Applied.Count == 0), r => Assert.Equal(3, r.AlreadyApplied));
            Assert.Equal([1], await QueryAsync(dataSources[0], "SELECT hits FROM counters", r => r.GetInt32(0)));
            Assert.Equal([3L], await QueryAsync(dataSources[0], "SELECT count(*) FROM schema_migrations", r => r.GetInt64(0)));
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_changed_applied_migration_is_reported_and_nothing_new_is_applied()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("migrate_checksum"));
        await PostgresMigrator.MigrateAsync(dataSource, Samples());
        var edited = Samples().ToList();
        edited[0] = edited[0] with { Sql = edited[0].Sql + "\nCREATE INDEX widgets_name ON widgets (name);" };
        edited.Add(new SqlMigration(3, "more", "CREATE TABLE gadgets (id int);"));

        var error = await Assert.ThrowsAsync<MigrationChecksumMismatchException>(() => PostgresMigrator.MigrateAsync(dataSource, edited));

        var mismatch = Assert.Single(error.Mismatches);
        Assert.Equal(1, mismatch.Migration.Version);
        Assert.Contains("0001_create_widgets", error.Message);
        Assert.Equal([2L], await QueryAsync(dataSource, "SELECT count(*) FROM schema_migrations", r => r.GetInt64(0)));
        Assert.Equal([0L], await QueryAsync(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'gadgets'", r => r.GetInt64(0)));
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_and_the_lock_released()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync("migrate_failure"));
        SqlMigration good = new(1, "good", "CREATE TABLE kept (id int);");
        SqlMigration broken = new(2, "broken", "CREATE TABLE half_done (id int); SELECT * FROM no_such_table;");

        var error = await Assert.ThrowsAsync<MigrationFailedException>(() => PostgresMigrator.MigrateAsync(dataSource, [good, broken]));

        Assert.Equal(2, error.Migration.Version);
        Assert.Contains("0002_broken", error.Message);
        Assert.Contains("no_such_table", error.Message);
        Assert.Equal([1L], await QueryAsync(dataSource, "SELECT version FROM schema_migrations", r => r.GetInt64(0)));
        Assert.Equal([0L], await QueryAsync(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'", r => r.GetInt64(0)));

        // The advisory lock was released: a fixed migration goes through (it would wait forever otherwise).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var fixedRun = await PostgresMigrator.MigrateAsync(dataSource, [good, broken with { Sql = "CREATE TABLE half_done (id int);" }],
            cancellationToken: timeout.Token);
        Assert.Equal([2L], fixedRun.Applied.Select(m => m.Version));
    }

    [Fact]
    public void Checksums_ignore_line_endings_but_not_content()
    {
        var unix = new SqlMigration(1, "x", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n");
        var windows = unix with { Sql = "CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n" };
        var changed = unix with { Sql = "CREATE TABLE a (id bigint);\nCREATE TABLE b (id int);\n" };

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, changed.Checksum);
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
