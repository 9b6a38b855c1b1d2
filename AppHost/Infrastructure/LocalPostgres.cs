using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AppHost.Infrastructure;

/// <summary>
/// A PostgreSQL server started from the machine's binaries: its own data directory, a free port on
/// 127.0.0.1 only, its unix socket inside its own folder, a generated superuser password (scram) for TCP.
/// Throwaway (temp folder, deleted on Dispose; one per test run) or kept (a folder reused across runs).
/// </summary>
public sealed partial class LocalPostgres : IAsyncDisposable, IDisposable
{
    public const string Host = "127.0.0.1";
    public const string Superuser = "postgres";
    private const string ThrowawayPrefix = "localpg-";

    private readonly CommandRunner runner;
    private readonly ILogger logger;
    private readonly string? separateSocketDirectory;
    private int stopped;

    private LocalPostgres(string rootDirectory, bool throwaway, string binDirectory, int port, string password,
        string socketDirectory, string? separateSocketDirectory, CommandRunner runner, ILogger logger)
    {
        RootDirectory = rootDirectory;
        IsThrowaway = throwaway;
        BinDirectory = binDirectory;
        Port = port;
        Password = password;
        SocketDirectory = socketDirectory;
        this.separateSocketDirectory = separateSocketDirectory;
        this.runner = runner;
        this.logger = logger;
    }

    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    public string SocketDirectory { get; }

    public string LogFile => Path.Combine(RootDirectory, "postgres.log");

    public string BinDirectory { get; }

    public bool IsThrowaway { get; }

    public int Port { get; }

    /// <summary>The superuser's password (TCP connections use scram-sha-256).</summary>
    public string Password { get; }

    public static Task<LocalPostgres> StartThrowawayAsync(ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartAsync(new LocalPostgresOptions(), logger, cancellationToken);

    public static Task<LocalPostgres> StartKeptAsync(string directory, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartAsync(new LocalPostgresOptions { Directory = directory }, logger, cancellationToken);

    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var throwaway = options.Directory is null;
        if (throwaway)
        {
            await RemoveAbandonedThrowawaysAsync(PostgresBinaries.Find(options.BinDirectory), CommandRunner.ForCurrentUser(), logger);
        }
        var root = throwaway
            ? Path.Combine(TempRoot(CommandRunner.ForCurrentUser()), $"{ThrowawayPrefix}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}")
            : Path.GetFullPath(options.Directory!);

        LocalPostgres? server = null;
        try
        {
            var prepared = await PrepareAsync(root, options.BinDirectory, throwaway, cancellationToken);
            var runner = prepared.Runner;

            // A free port can be taken between probing and binding: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = options.Port ?? FreePort();
                server = new LocalPostgres(root, throwaway, prepared.BinDirectory, port, prepared.Password, prepared.SocketDirectory, prepared.SeparateSocketDirectory, runner, logger);
                var started = await server.TryStartAsync(throwaway, options.StartTimeout, cancellationToken);
                if (started is null)
                {
                    break;
                }
                if (attempt >= 3 || options.Port is not null || !started.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"PostgreSQL did not start from {prepared.BinDirectory} (data {prepared.DataDirectory}). Log:\n{started}");
                }
            }
            if (throwaway)
            {
                ThrowawayWatchdog.Start(Path.Combine(prepared.BinDirectory, "pg_ctl"), prepared.DataDirectory, root, prepared.SeparateSocketDirectory, runner.RunAsUser);
            }
            await server.WaitUntilAcceptingAsync(options.StartTimeout, cancellationToken);
            logger.LogInformation("PostgreSQL started on {Host}:{Port} (data {DataDirectory}, {Mode})",
                Host, server.Port, prepared.DataDirectory, throwaway ? "throwaway" : "kept");
            return server;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            else if (throwaway)
            {
                TryDelete(root);
            }
            throw;
        }
    }

    /// <summary>
    /// Makes <paramref name="root"/> ready for a server to start on: binaries found, folder reachable by the user that
    /// runs PostgreSQL, data directory initialised (first time) with the superuser password kept beside it
    /// (<c>superuser.password</c>, owner-only), a socket folder, and no server of an earlier run still holding it.
    /// </summary>
    public static async Task<PreparedPostgres> PrepareAsync(string root, string? binDirectory = null, bool throwaway = false, CancellationToken cancellationToken = default)
    {
        var bin = PostgresBinaries.Find(binDirectory);
        var runner = CommandRunner.ForCurrentUser();
        Directory.CreateDirectory(root);
        EnsureReachable(root, runner);

        var dataDirectory = Path.Combine(root, "data");
        var password = await PasswordAsync(root, cancellationToken);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitialiseAsync(root, dataDirectory, bin, password, throwaway, runner, cancellationToken);
        }

        var (socketDirectory, separate) = PrepareSocketDirectory(root);
        await runner.GiveOwnershipAsync(socketDirectory, cancellationToken);
        await StopIfRunningAsync(bin, dataDirectory, root, runner, cancellationToken);
        return new PreparedPostgres(bin, dataDirectory, socketDirectory, separate, password, runner);
    }

    /// <summary>
    /// The superuser password of the server kept in <paramref name="root"/>: generated once and kept in
    /// <c>superuser.password</c> (owner-only), since the data directory only accepts the password it was initialised with.
    /// </summary>
    public static async Task<string> PasswordAsync(string root, CancellationToken cancellationToken = default)
    {
        var passwordFile = Path.Combine(root, "superuser.password");
        if (File.Exists(passwordFile))
        {
            return (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();
        }
        if (File.Exists(Path.Combine(root, "data", "PG_VERSION")))
        {
            throw new InvalidOperationException(
                $"{Path.Combine(root, "data")} is initialised but {passwordFile} is missing, so the superuser password is unknown: delete {root} to start afresh.");
        }
        Directory.CreateDirectory(root);
        var password = GeneratePassword();
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        OwnerOnly(passwordFile);
        return password;
    }

    /// <summary>Connection string for <paramref name="database"/> as the superuser over TCP.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates <paramref name="name"/> unless it exists; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a usable database name: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters.",
                nameof(name));
        }
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Created concurrently: the caller gets what it asked for.
            }
        }
        return ConnectionString(name);
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>); a throwaway server's folder is deleted.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }
        var result = await runner.RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "-s"], RootDirectory, CancellationToken.None);
        if (result.ExitCode != 0 && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            logger.LogWarning("pg_ctl stop for {DataDirectory} failed ({ExitCode}): {Output}", DataDirectory, result.ExitCode, result.Output);
        }
        if (separateSocketDirectory is not null)
        {
            TryDelete(separateSocketDirectory);
        }
        if (IsThrowaway)
        {
            TryDelete(RootDirectory);
        }
        logger.LogInformation("PostgreSQL on {Host}:{Port} stopped", Host, Port);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    private async Task<string?> TryStartAsync(bool throwaway, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var settings = new List<string>
        {
            $"-p {Port}",
            $"-c listen_addresses={Host}",
            $"-c unix_socket_directories='{SocketDirectory}'",
            "-c max_connections=300",
        };
        if (throwaway)
        {
            // Durability is pointless for a server deleted at the end of the run; speed is not.
            settings.AddRange(["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]);
        }
        var result = await runner.RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "-o", string.Join(' ', settings)],
            RootDirectory, cancellationToken);
        return result.ExitCode == 0 ? null : $"{result.Output}\n{LogTail()}";
    }

    private async Task WaitUntilAcceptingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString()) { Pooling = false, Timeout = 5 }.ConnectionString;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException exception) when (deadline.Elapsed < timeout)
            {
                logger.LogDebug("PostgreSQL on port {Port} not accepting yet: {Reason}", Port, exception.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    private string LogTail() =>
        File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "(no log written)";

    private static async Task InitialiseAsync(string root, string dataDirectory, string binDirectory, string password, bool throwaway,
        CommandRunner runner, CancellationToken cancellationToken)
    {
        // initdb reads the password from a file; it must be readable by the user running it, and is removed after.
        var passwordFile = Path.Combine(root, "initdb.pw");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        OwnerOnly(passwordFile);
        try
        {
            await runner.GiveOwnershipAsync(root, cancellationToken);
            List<string> arguments =
            [
                "-D", dataDirectory, "-U", Superuser, $"--pwfile={passwordFile}",
                "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-locale", "--no-instructions",
            ];
            if (throwaway)
            {
                arguments.Add("--no-sync");
            }
            var result = await runner.RunAsync(Path.Combine(binDirectory, "initdb"), arguments, root, cancellationToken);
            if (result.ExitCode != 0)
            {
                var hint = runner.RunAsUser is null ? "" : $" (initdb runs as '{runner.RunAsUser}': {root} and every folder above it must be accessible to that user)";
                throw new InvalidOperationException($"initdb failed for {dataDirectory}{hint}:\n{result.Output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>A kept server left running by an earlier run (e.g. a crash) would hold the data directory.</summary>
    private static async Task StopIfRunningAsync(string binDirectory, string dataDirectory, string root, CommandRunner runner, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return;
        }
        var pgCtl = Path.Combine(binDirectory, "pg_ctl");
        var status = await runner.RunAsync(pgCtl, ["status", "-D", dataDirectory], root, cancellationToken);
        if (status.ExitCode == 0)
        {
            await runner.RunAsync(pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-s"], root, cancellationToken);
        }
    }

    /// <summary>Throwaway servers whose test process died without disposing them: stop and delete.</summary>
    private static async Task RemoveAbandonedThrowawaysAsync(string binDirectory, CommandRunner runner, ILogger logger)
    {
        var tempRoot = TempRoot(runner);
        if (!Directory.Exists(tempRoot))
        {
            return;
        }
        foreach (var directory in Directory.GetDirectories(tempRoot, ThrowawayPrefix + "*"))
        {
            var parts = Path.GetFileName(directory)[ThrowawayPrefix.Length..].Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], out var ownerPid) || IsAlive(ownerPid))
            {
                continue;
            }
            var data = Path.Combine(directory, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                await runner.RunAsync(Path.Combine(binDirectory, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w", "-s"], directory, CancellationToken.None);
            }
            logger.LogInformation("Removed abandoned throwaway PostgreSQL folder {Directory}", directory);
            TryDelete(directory);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Unix socket paths are limited to ~107 bytes; a deep folder gets its socket in a short temp folder.</summary>
    private static (string Directory, string? Separate) PrepareSocketDirectory(string root)
    {
        var inside = Path.Combine(root, "sockets");
        if (inside.Length + "/.s.PGSQL.65535.lock".Length < 100 && !inside.Contains('\''))
        {
            Directory.CreateDirectory(inside);
            return (inside, null);
        }
        var separate = Path.Combine("/tmp", $"localpg-sock-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(separate);
        return (separate, separate);
    }

    private static string TempRoot(CommandRunner runner)
    {
        var temp = Path.GetTempPath();
        // As root, $TMPDIR may sit under /root where the postgres user cannot reach.
        return runner.RunAsUser is not null && !OthersCanTraverse(temp) ? "/tmp" : temp;
    }

    /// <summary>
    /// False when this process is root and the unprivileged user that runs the server could not reach
    /// <paramref name="directory"/> (a folder above it denies others entry, as /root does).
    /// </summary>
    public static bool CanHostIn(string directory) =>
        !Environment.IsPrivilegedProcess || OthersCanTraverse(Path.GetDirectoryName(Path.GetFullPath(directory))!);

    private static void EnsureReachable(string root, CommandRunner runner)
    {
        if (runner.RunAsUser is null)
        {
            return;
        }
        for (var parent = Directory.GetParent(root); parent is not null; parent = parent.Parent)
        {
            if (!OthersCanEnter(parent.FullName))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL runs as '{runner.RunAsUser}' (this process is root), and that user cannot enter {parent.FullName}: " +
                    $"choose a folder outside it for the server, or allow access with `chmod o+x {parent.FullName}`.");
            }
        }
    }

    private static bool OthersCanTraverse(string path)
    {
        for (var directory = new DirectoryInfo(path); directory is not null; directory = directory.Parent)
        {
            if (directory.Exists && !OthersCanEnter(directory.FullName))
            {
                return false;
            }
        }
        return true;
    }

    private static bool OthersCanEnter(string directory) =>
        OperatingSystem.IsWindows() || File.GetUnixFileMode(directory).HasFlag(UnixFileMode.OtherExecute);

    private static void OwnerOnly(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return new string(RandomNumberGenerator.GetItems<char>(alphabet, 32));
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
