using AppHost.Infrastructure;
using Npgsql;
using Tests.Infrastructure;

namespace Tests.Postgres;

public sealed class LocalPostgresTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_throwaway_server_serves_databases_and_is_gone_after_dispose()
    {
        var server = await LocalPostgres.StartThrowawayAsync();
        string connectionString;
        try
        {
            Assert.Equal("127.0.0.1", LocalPostgres.Host);
            Assert.StartsWith(server.RootDirectory, server.SocketDirectory);
            connectionString = await server.CreateDatabaseAsync("throwaway_probe");
            Assert.Equal(connectionString, await server.CreateDatabaseAsync("throwaway_probe")); // idempotent
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_database() || ' ' || current_setting('listen_addresses')", connection);
            Assert.Equal("throwaway_probe 127.0.0.1", await command.ExecuteScalarAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(Directory.Exists(server.RootDirectory));
        await using var afterwards = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 }.ConnectionString);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => afterwards.OpenAsync());
    }

    [Fact]
    public async Task A_kept_server_keeps_its_data_across_restarts()
    {
        var directory = Path.Combine("/tmp", $"localpg-kept-test-{Guid.NewGuid():N}");
        try
        {
            await using (var first = await LocalPostgres.StartKeptAsync(directory))
            {
                Assert.False(first.IsThrowaway);
                var connectionString = await first.CreateDatabaseAsync("kept_data");
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await new NpgsqlCommand("CREATE TABLE notes (text text); INSERT INTO notes VALUES ('survives')", connection).ExecuteNonQueryAsync();
            }
            Assert.True(File.Exists(Path.Combine(directory, "data", "PG_VERSION")));
            Assert.False(File.Exists(Path.Combine(directory, "data", "postmaster.pid"))); // stopped cleanly

            await using var second = await LocalPostgres.StartKeptAsync(directory);
            await using var reopened = new NpgsqlConnection(second.ConnectionString("kept_data"));
            await reopened.OpenAsync();
            Assert.Equal("survives", await new NpgsqlCommand("SELECT text FROM notes", reopened).ExecuteScalarAsync());
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Missing_binaries_name_the_package_to_install()
    {
        var empty = Directory.CreateTempSubdirectory("no-postgres-bin-");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                LocalPostgres.StartAsync(new LocalPostgresOptions { BinDirectory = empty.FullName }));

            Assert.Contains("apt-get install postgresql", error.Message);
            Assert.Contains(empty.FullName, error.Message);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public async Task Database_names_that_are_not_plain_identifiers_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.Server.CreateDatabaseAsync("x\"; DROP DATABASE postgres; --"));
    }
}
