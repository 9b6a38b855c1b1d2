// TEMPORARY until Tests/Infrastructure/PostgresFixture lands on main: delete at merge.
using Npgsql;

namespace Tests.Infrastructure;

public sealed class PostgresFixture : IAsyncLifetime
{
    private static int counter;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref counter)}_{Guid.NewGuid():N}";
        await using var ds = NpgsqlDataSource.Create("Host=127.0.0.1;Port=55437;Username=postgres;Database=postgres");
        await using var c = ds.CreateCommand($"CREATE DATABASE \"{name}\"");
        await c.ExecuteNonQueryAsync(cancellationToken);
        return $"Host=127.0.0.1;Port=55437;Username=postgres;Database={name}";
    }
}
