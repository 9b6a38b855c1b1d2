namespace Tests.Srm;

/// <summary>Checks over the database's own record of every lease granted (table lease_history).</summary>
public static class LeaseHistory
{
    /// <summary>
    /// Pairs of different leases on one symbol whose holding intervals [granted_at, least(expires_at, released_at))
    /// overlap: two holders at the same moment. Must be zero.
    /// </summary>
    public const string OverlapsSql = """
        SELECT count(*)
        FROM lease_history a
        JOIN lease_history b
          ON a.repo = b.repo AND a.branch = b.branch AND a.fq_name = b.fq_name AND a.lease_id < b.lease_id
        WHERE a.granted_at < least(b.expires_at, coalesce(b.released_at, 'infinity'))
          AND b.granted_at < least(a.expires_at, coalesce(a.released_at, 'infinity'))
          AND a.repo = $1
        """;

    /// <summary>Consecutive leases on one symbol (by grant time) whose id did not grow: broken fencing. Must be zero.</summary>
    public const string NonIncreasingIdsSql = """
        SELECT count(*) FROM (
            SELECT lease_id, lag(lease_id) OVER (PARTITION BY repo, branch, fq_name ORDER BY granted_at, lease_id) AS previous
            FROM lease_history WHERE repo = $1) x
        WHERE previous >= lease_id
        """;

    /// <summary>Leases granted while the previous lease on the symbol had run out without release (expiry takeovers).</summary>
    public const string ExpiryTakeoversSql = """
        SELECT count(*) FROM (
            SELECT granted_at, plan_id,
                   lag(expires_at) OVER w AS previous_expiry, lag(released_at) OVER w AS previous_release,
                   lag(plan_id) OVER w AS previous_plan
            FROM lease_history WHERE repo = $1
            WINDOW w AS (PARTITION BY repo, branch, fq_name ORDER BY granted_at)) x
        WHERE previous_release IS NULL AND previous_expiry <= granted_at AND previous_plan <> plan_id
        """;
}
