namespace AppHost.Infrastructure;

/// <summary>How to run a <see cref="LocalPostgres"/>.</summary>
public sealed record LocalPostgresOptions
{
    /// <summary>
    /// Kept mode: this folder holds the server (<c>data/</c>, <c>sockets/</c>, <c>postgres.log</c>, <c>superuser.password</c>)
    /// and survives Dispose; an initialised folder is just started again. Null: throwaway server in a temp folder,
    /// deleted on Dispose.
    /// </summary>
    public string? Directory { get; init; }

    /// <summary>Folder with initdb/pg_ctl/postgres; default: discovered (see <see cref="PostgresBinaries.Find"/>).</summary>
    public string? BinDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1; default: a free one.</summary>
    public int? Port { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
