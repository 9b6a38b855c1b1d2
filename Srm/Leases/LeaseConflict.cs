namespace Srm.Leases;

/// <summary>A symbol another plan holds a live lease on.</summary>
public sealed record LeaseConflict(SymbolKey Key, string HolderPlanId, long HolderLeaseId, DateTimeOffset ExpiresAt);
