using Npgsql;

namespace AppHost.Resources.Postgres;

internal static class PostgresDatabases
{
    /// <summary>Creates each database that does not exist yet on the server <paramref name="serverConnectionString"/> names.</summary>
    public static async Task CreateMissingAsync(string serverConnectionString, IEnumerable<string> databases, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(server);
        foreach (var database in databases)
        {
            await using var exists = dataSource.CreateCommand("SELECT 1 FROM pg_database WHERE datname = $1");
            exists.Parameters.AddWithValue(database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null) continue;
            try
            {
                // Database names cannot be parameters; ours are fixed identifiers from Program.cs.
                await using var create = dataSource.CreateCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"");
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // created concurrently: what was asked for exists
            }
        }
    }
}
