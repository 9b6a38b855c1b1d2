using Tests.Infrastructure;

namespace Tests.Srm;

/// <summary>One Srm over one fresh database per test class; tests isolate themselves with unique repo names.</summary>
public sealed class SrmServerFixture : IAsyncLifetime
{
    private readonly PostgresFixture postgres = new();

    public SrmTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await postgres.InitializeAsync();
        Host = await SrmTestHost.StartAsync(await postgres.CreateDatabaseAsync("srm"));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await postgres.DisposeAsync();
    }
}
