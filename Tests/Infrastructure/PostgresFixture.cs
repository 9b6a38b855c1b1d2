using System.Security.Cryptography;
using AppHost.Infrastructure;

namespace Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL server for the whole test run, shared by every test class that uses this
/// fixture; each class takes fresh databases from it. Use it as <c>IClassFixture&lt;PostgresFixture&gt;</c>
/// (classes still run in parallel; the server is process-wide) or through the "Postgres" collection.
/// The server stops and its folder is deleted when the test process exits; a crashed run's leftovers
/// are removed by the next run.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static LocalPostgres? shared;
    private static Exception? startFailure;
    private static int databaseCounter;

    public LocalPostgres Server => shared ?? throw new InvalidOperationException("PostgresFixture has not been initialised.");

    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (startFailure is not null)
            {
                throw new InvalidOperationException("The shared test PostgreSQL server failed to start earlier in this run.", startFailure);
            }
            if (shared is null)
            {
                try
                {
                    shared = await LocalPostgres.StartThrowawayAsync();
                }
                catch (Exception exception)
                {
                    startFailure = exception;
                    throw;
                }
                var server = shared;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    // The server outlives any one class; it is stopped at process exit.
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A new, empty database named after <paramref name="prefix"/>; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var cleaned = new string(prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        if (cleaned.Length == 0 || char.IsAsciiDigit(cleaned[0]))
        {
            cleaned = "db_" + cleaned;
        }
        var suffix = $"_{Interlocked.Increment(ref databaseCounter)}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var name = cleaned[..Math.Min(cleaned.Length, 63 - suffix.Length)] + suffix;
        return Server.CreateDatabaseAsync(name, cancellationToken);
    }
}

/// <summary>For classes that prefer a collection; note that classes in one collection run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Postgres";
}
