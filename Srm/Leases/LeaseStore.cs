using Microsoft.Extensions.Options;
using Npgsql;

namespace Srm.Leases;

/// <summary>
/// Leases in Postgres. Every decision is made by the database, on the database's clock
/// (<c>clock_timestamp()</c>, read after the row lock is taken), never the service's.
/// <list type="bullet">
/// <item>Reserving: one <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE expired OR same plan</c> statement
/// decides all symbols of a request inside one transaction; any refused symbol rolls everything back.</item>
/// <item>Concurrent one-symbol reservations (and concurrent releases) of different symbols are coalesced into one
/// statement of that same shape (<see cref="StatementCoalescer{TRequest, TKey, TResult}"/>): each row carries its own
/// plan and is decided alone, so the outcome of each call is the one it would get by itself.</item>
/// <item>Re-reserving by the plan that holds a live lease returns the same lease id and extends its expiry
/// to at least now + ttl (never shortens it).</item>
/// <item>An expired or released lease is replaced by a new lease with a new, larger id: old ids become stale
/// fencing tokens that Renew and Release refuse.</item>
/// <item>Rows are locked in one stable order (byte order of repo, branch, fq_name: <c>COLLATE "C"</c>) by every
/// multi-row statement, so concurrent batches, plan releases and sweeps cannot deadlock.</item>
/// </list>
/// </summary>
public sealed class LeaseStore : IAsyncDisposable
{
    // Enough rows per statement to amortize its fixed cost, few enough that no statement holds many locks for long.
    private const int MaxCoalesced = 64;

    private readonly NpgsqlDataSource dataSource;
    private readonly StatementCoalescer<SingleReservation, SymbolKey, GrantedLease?> reservations;
    private readonly StatementCoalescer<long, long, bool> releases;

    public LeaseStore(NpgsqlDataSource dataSource, IOptions<SrmOptions> options)
    {
        this.dataSource = dataSource;
        var lanes = options.Value.StatementLanes;
        reservations = new(lanes, MaxCoalesced, r => r.Item.Key, ReserveCoalescedAsync);
        releases = new(lanes, MaxCoalesced, leaseId => leaseId, ReleaseCoalescedAsync);
    }

    // The DO UPDATE branch runs after the conflicting row is locked, so the clock it reads and the id it draws
    // are later than anything the previous holder committed: a taken-over lease is granted no earlier than the
    // old one ended, and carries a larger id even if this statement drew its VALUES id before waiting.
    // (The VALUES id is used only when the symbol has no row; unused ids leave gaps, which is fine.)
    // Each row names its plan ($1), so one statement can decide the single reservations of many plans; keys are unique.
    internal const string ReserveSql = """
        INSERT INTO leases AS l (lease_id, repo, branch, fq_name, kind, file_path, plan_id, acquired_at, expires_at)
        SELECT nextval('lease_ids'), i.repo, i.branch, i.fq_name, i.kind, i.file_path, i.plan_id,
               clock_timestamp(), clock_timestamp() + make_interval(secs => $2)
        FROM unnest($1::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS i(plan_id, repo, branch, fq_name, kind, file_path)
        ORDER BY i.repo COLLATE "C", i.branch COLLATE "C", i.fq_name COLLATE "C"
        ON CONFLICT (repo, branch, fq_name) DO UPDATE
        SET (lease_id, kind, file_path, plan_id, acquired_at, expires_at, released_at) = (
            SELECT CASE WHEN d.keep THEN l.lease_id ELSE nextval('lease_ids') END,
                   excluded.kind, excluded.file_path, excluded.plan_id,
                   CASE WHEN d.keep THEN l.acquired_at ELSE d.now END,
                   CASE WHEN d.keep THEN greatest(l.expires_at, d.now + make_interval(secs => $2))
                        ELSE d.now + make_interval(secs => $2) END,
                   NULL::timestamptz
            FROM (SELECT c.now,
                         l.plan_id = excluded.plan_id AND l.released_at IS NULL AND l.expires_at > c.now AS keep
                  FROM (SELECT clock_timestamp() AS now) c) d)
        WHERE l.released_at IS NOT NULL OR l.expires_at <= clock_timestamp() OR l.plan_id = excluded.plan_id
        RETURNING l.lease_id, l.repo, l.branch, l.fq_name, l.kind, l.file_path, l.plan_id, l.acquired_at, l.expires_at,
                  l.acquired_at >= statement_timestamp() AS fresh
        """;

    // Runs in the reserving transaction: ON CONFLICT locked the refused rows, so the holders read here
    // are exactly the ones that refused us.
    private const string HoldersSql = """
        SELECT l.repo, l.branch, l.fq_name, l.plan_id, l.lease_id, l.expires_at
        FROM leases l
        JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(repo, branch, fq_name)
          ON l.repo = k.repo AND l.branch = k.branch AND l.fq_name = k.fq_name
        """;

    private const string RenewSql = """
        UPDATE leases SET expires_at = clock_timestamp() + make_interval(secs => $2)
        WHERE lease_id = $1 AND released_at IS NULL AND expires_at > clock_timestamp()
        RETURNING expires_at
        """;

    // Ends the live leases among $1 (ids are unique); locks them in the stable order, as every multi-row statement does.
    internal const string ReleaseSql = """
        WITH locked AS (
            SELECT repo, branch, fq_name FROM leases
            WHERE lease_id = ANY($1) AND released_at IS NULL AND expires_at > clock_timestamp()
            ORDER BY repo COLLATE "C", branch COLLATE "C", fq_name COLLATE "C"
            FOR UPDATE)
        UPDATE leases l SET released_at = clock_timestamp(), expires_at = least(l.expires_at, clock_timestamp())
        FROM locked
        WHERE l.repo = locked.repo AND l.branch = locked.branch AND l.fq_name = locked.fq_name
          AND l.lease_id = ANY($1) AND l.released_at IS NULL AND l.expires_at > clock_timestamp()
        RETURNING l.lease_id
        """;

    private const string ReleasePlanSql = """
        WITH locked AS (
            SELECT repo, branch, fq_name FROM leases
            WHERE plan_id = $1 AND released_at IS NULL AND expires_at > clock_timestamp()
            ORDER BY repo COLLATE "C", branch COLLATE "C", fq_name COLLATE "C"
            FOR UPDATE)
        UPDATE leases l SET released_at = clock_timestamp(), expires_at = least(l.expires_at, clock_timestamp())
        FROM locked
        WHERE l.repo = locked.repo AND l.branch = locked.branch AND l.fq_name = locked.fq_name
          AND l.plan_id = $1 AND l.released_at IS NULL AND l.expires_at > clock_timestamp()
        """;

    // SKIP LOCKED: a row someone is working on is left for the next sweep. The grace period keeps a row
    // around long after it ended, so a reservation that computed its grant time just before the row
    // vanished can never date its grant inside the old lease (see SrmOptions.SweepGrace).
    private const string SweepSql = """
        WITH doomed AS (
            SELECT repo, branch, fq_name FROM leases
            WHERE expires_at <= clock_timestamp() - make_interval(secs => $1)
            ORDER BY repo COLLATE "C", branch COLLATE "C", fq_name COLLATE "C"
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        DELETE FROM leases l USING doomed
        WHERE l.repo = doomed.repo AND l.branch = doomed.branch AND l.fq_name = doomed.fq_name
        """;

    private const string CountLiveSql =
        "SELECT count(*) FROM leases WHERE released_at IS NULL AND expires_at > clock_timestamp()";

    private const string StatusSql = """
        SELECT h.plan_id, h.expires_at, h.released_at, h.expires_at <= clock_timestamp() AS expired,
               cur.lease_id, cur.plan_id
        FROM lease_history h
        LEFT JOIN leases cur ON cur.repo = h.repo AND cur.branch = h.branch AND cur.fq_name = h.fq_name
        WHERE h.lease_id = $1
        """;

    private const string LeaseColumns =
        "lease_id, repo, branch, fq_name, kind, file_path, plan_id, acquired_at, expires_at";

    /// <summary>
    /// Reserves all <paramref name="items"/> for <paramref name="planId"/> or none of them. Items with the same
    /// key are reserved once (first occurrence wins). Leases come back in the stable lock order.
    /// </summary>
    public async Task<ReservationResult> ReserveAsync(
        string planId, int ttlSeconds, IReadOnlyList<SymbolReservation> items, CancellationToken cancellationToken)
    {
        var unique = Deduplicate(items);
        if (unique.Count == 1)
        {
            // One symbol: its row is atomic on its own, so the usual outcome (granted) needs no transaction and shares
            // one statement with other callers' single symbols. A refusal falls through to the transaction, which
            // reads the holder under lock.
            var granted = await reservations.RunAsync(new SingleReservation(planId, ttlSeconds, unique[0]), cancellationToken);
            if (granted is not null)
            {
                return new ReservationResult([granted], []);
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        List<GrantedLease> leases;
        await using (var reserve = new NpgsqlCommand(null, connection, transaction))
        {
            leases = await ExecuteReserveAsync(reserve, [.. unique.Select(_ => planId)], ttlSeconds, unique, cancellationToken);
        }

        if (leases.Count == unique.Count)
        {
            await transaction.CommitAsync(cancellationToken);
            leases.Sort((a, b) => CompareKeys(a.Lease.Key, b.Lease.Key));
            return new ReservationResult(leases, []);
        }

        var grantedKeys = leases.Select(l => l.Lease.Key).ToHashSet();
        var refused = unique.Where(i => !grantedKeys.Contains(i.Key)).Select(i => i.Key).ToList();
        var conflicts = await ReadHoldersAsync(connection, transaction, refused, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        if (conflicts.Count != refused.Count)
        {
            // Cannot happen while ON CONFLICT keeps refused rows locked; never report "granted" by mistake.
            throw new InvalidOperationException(
                $"Reservation refused {refused.Count} symbols but only {conflicts.Count} holders were found; retry the call.");
        }

        return new ReservationResult([], conflicts);
    }

    /// <summary>Single reservations of distinct symbols, by any plans: one statement per ttl (all share one in practice).</summary>
    private async Task<IReadOnlyList<GrantedLease?>> ReserveCoalescedAsync(
        IReadOnlyList<SingleReservation> requests, CancellationToken cancellationToken)
    {
        var results = new GrantedLease?[requests.Count];
        foreach (var sameTtl in requests.Index().GroupBy(r => r.Item.TtlSeconds))
        {
            await using var command = dataSource.CreateCommand();
            var granted = await ExecuteReserveAsync(command, [.. sameTtl.Select(r => r.Item.PlanId)], sameTtl.Key,
                [.. sameTtl.Select(r => r.Item.Item)], cancellationToken);
            var positions = sameTtl.ToDictionary(r => r.Item.Item.Key, r => r.Index);
            foreach (var lease in granted)
            {
                results[positions[lease.Lease.Key]] = lease;
            }
        }

        return results;
    }

    private static async Task<List<GrantedLease>> ExecuteReserveAsync(
        NpgsqlCommand command, string[] planIds, int ttlSeconds, IReadOnlyList<SymbolReservation> unique, CancellationToken cancellationToken)
    {
        command.CommandText = ReserveSql;
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = planIds });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ttlSeconds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. unique.Select(i => i.Key.Repo)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. unique.Select(i => i.Key.Branch)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. unique.Select(i => i.Key.FqName)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. unique.Select(i => i.Kind)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. unique.Select(i => i.FilePath)] });
        var leases = new List<GrantedLease>(unique.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leases.Add(new GrantedLease(ReadLease(reader, expired: false), reader.GetBoolean(9)));
        }

        return leases;
    }

    /// <summary>Sets a live lease's expiry to now + ttl; null when the id is not live (stale fencing token).</summary>
    public async Task<DateTimeOffset?> RenewAsync(long leaseId, int ttlSeconds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RenewSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = leaseId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ttlSeconds });
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DateTime expiresAt ? new DateTimeOffset(expiresAt) : null;
    }

    /// <summary>Ends a live lease now; false when the id is not live (stale fencing token).</summary>
    public Task<bool> ReleaseAsync(long leaseId, CancellationToken cancellationToken) => releases.RunAsync(leaseId, cancellationToken);

    /// <summary>Releases of distinct lease ids, coalesced: which of them were live and are now ended.</summary>
    private async Task<IReadOnlyList<bool>> ReleaseCoalescedAsync(IReadOnlyList<long> leaseIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReleaseSql);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. leaseIds] });
        var released = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                released.Add(reader.GetInt64(0));
            }
        }

        return [.. leaseIds.Select(released.Contains)];
    }

    /// <summary>Ends every live lease of a plan; returns how many were live.</summary>
    public async Task<int> ReleasePlanAsync(string planId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ReleasePlanSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = planId });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>What happened to a lease id, to explain a refused Renew or Release.</summary>
    public async Task<LeaseStatus> GetStatusAsync(long leaseId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StatusSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = leaseId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new LeaseStatus(leaseId, LeaseFate.Unknown);
        }

        var planId = reader.GetString(0);
        var expiresAt = reader.GetFieldValue<DateTimeOffset>(1);
        DateTimeOffset? releasedAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
        var expired = reader.GetBoolean(3);
        long? currentLeaseId = reader.IsDBNull(4) ? null : reader.GetInt64(4);
        string? currentPlanId = reader.IsDBNull(5) ? null : reader.GetString(5);

        if (currentLeaseId is { } newer && newer != leaseId)
        {
            return new LeaseStatus(leaseId, LeaseFate.Superseded, planId, releasedAt ?? expiresAt, newer, currentPlanId);
        }

        if (releasedAt is { } released)
        {
            return new LeaseStatus(leaseId, LeaseFate.Released, planId, released);
        }

        return expired
            ? new LeaseStatus(leaseId, LeaseFate.Expired, planId, expiresAt)
            : new LeaseStatus(leaseId, LeaseFate.Live, planId);
    }

    /// <summary>One page of leases matching <paramref name="query"/>, ordered by lease id.</summary>
    public async Task<LeasePage> ListAsync(LeaseQuery query, CancellationToken cancellationToken)
    {
        // Fetch one extra row to know whether another page follows.
        await using var command = dataSource.CreateCommand($"""
            SELECT {LeaseColumns}, released_at IS NOT NULL OR expires_at <= clock_timestamp() AS expired
            FROM leases
            WHERE lease_id > $1
              AND ($2::text IS NULL OR repo = $2)
              AND ($3::text IS NULL OR branch = $3)
              AND ($4::text IS NULL OR starts_with(fq_name, $4))
              AND ($5::text IS NULL OR plan_id = $5)
              AND ($6 OR (released_at IS NULL AND expires_at > clock_timestamp()))
            ORDER BY lease_id
            LIMIT $7
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = query.AfterLeaseId });
        command.Parameters.Add(NullableText(query.Repo));
        command.Parameters.Add(NullableText(query.Branch));
        command.Parameters.Add(NullableText(query.FqNamePrefix));
        command.Parameters.Add(NullableText(query.PlanId));
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = query.IncludeExpired });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.PageSize + 1 });

        var leases = new List<LeaseRecord>(query.PageSize + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leases.Add(ReadLease(reader, reader.GetBoolean(9)));
        }

        if (leases.Count <= query.PageSize)
        {
            return new LeasePage(leases, null);
        }

        leases.RemoveAt(leases.Count - 1);
        return new LeasePage(leases, leases[^1].LeaseId);
    }

    /// <summary>Deletes up to <paramref name="limit"/> rows that ended more than <paramref name="grace"/> ago.</summary>
    public async Task<int> SweepAsync(TimeSpan grace, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SweepSql);
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = grace.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How many leases are live now.</summary>
    public async Task<long> CountLiveAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountLiveSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Unique keys in the order the database locks them (byte order, as COLLATE "C").</summary>
    private static List<SymbolReservation> Deduplicate(IReadOnlyList<SymbolReservation> items)
    {
        var seen = new HashSet<SymbolKey>();
        var unique = new List<SymbolReservation>(items.Count);
        foreach (var item in items)
        {
            if (seen.Add(item.Key))
            {
                unique.Add(item);
            }
        }

        unique.Sort((a, b) => CompareKeys(a.Key, b.Key));
        return unique;
    }

    private static int CompareKeys(SymbolKey a, SymbolKey b)
    {
        var byRepo = Utf8Compare(a.Repo, b.Repo);
        if (byRepo != 0)
        {
            return byRepo;
        }

        var byBranch = Utf8Compare(a.Branch, b.Branch);
        return byBranch != 0 ? byBranch : Utf8Compare(a.FqName, b.FqName);
    }

    // UTF-8 byte order equals code point order; UTF-16 ordinal differs above U+D7FF, so compare by code point.
    private static int Utf8Compare(string a, string b)
    {
        var left = a.EnumerateRunes();
        var right = b.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            var byRune = left.Current.Value.CompareTo(right.Current.Value);
            if (byRune != 0)
            {
                return byRune;
            }
        }
    }

    private static async Task<List<LeaseConflict>> ReadHoldersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<SymbolKey> keys, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(HoldersSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Repo)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Branch)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.FqName)] });
        var conflicts = new List<LeaseConflict>(keys.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            conflicts.Add(new LeaseConflict(
                new SymbolKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        conflicts.Sort((a, b) => CompareKeys(a.Key, b.Key));
        return conflicts;
    }

    private static LeaseRecord ReadLease(NpgsqlDataReader reader, bool expired) => new(
        reader.GetInt64(0),
        new SymbolKey(reader.GetString(1), reader.GetString(2), reader.GetString(3)),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        expired);

    private static NpgsqlParameter<string?> NullableText(string? value) =>
        new() { TypedValue = value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };

    public async ValueTask DisposeAsync()
    {
        await reservations.DisposeAsync();
        await releases.DisposeAsync();
    }

    private sealed record SingleReservation(string PlanId, int TtlSeconds, SymbolReservation Item);
}
