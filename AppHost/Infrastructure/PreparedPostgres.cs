namespace AppHost.Infrastructure;

/// <summary>A data directory ready for <c>postgres</c> to start on (see <see cref="LocalPostgres.PrepareAsync"/>).</summary>
/// <param name="SeparateSocketDirectory">A short socket folder outside the data folder when its path is too long for a unix socket.</param>
public sealed record PreparedPostgres(
    string BinDirectory,
    string DataDirectory,
    string SocketDirectory,
    string? SeparateSocketDirectory,
    string Password,
    CommandRunner Runner);
