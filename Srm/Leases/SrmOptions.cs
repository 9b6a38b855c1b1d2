namespace Srm.Leases;

/// <summary>Settings of the lease service (configuration section "Srm").</summary>
public sealed record SrmOptions
{
    public const string SectionName = "Srm";

    /// <summary>How often the sweeper deletes ended lease rows and refreshes the live-leases gauge.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an ended lease row stays before the sweeper deletes it. While the row exists, a reservation on
    /// its symbol goes through the row lock and gets its grant time after the lock; once the row is gone, a racing
    /// insert could date its grant from just before the delete. A grace far longer than any statement keeps the
    /// history exact. Ended rows are already free to take, so the grace only costs storage.
    /// </summary>
    public TimeSpan SweepGrace { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Most rows one sweep statement deletes, so a sweep never holds many locks for long.</summary>
    public int SweepBatchSize { get; init; } = 1000;

    /// <summary>
    /// How many coalesced statements of single reservations (and as many of releases) run at once. Each holds one
    /// connection; more lanes mean less waiting behind a running statement but fewer calls coalesced per statement.
    /// </summary>
    public int StatementLanes { get; init; } = 2;
}
