namespace Srm.Leases;

/// <summary>A lease row as stored; <see cref="Expired"/> is judged by the database clock at read time.</summary>
public sealed record LeaseRecord(
    long LeaseId,
    SymbolKey Key,
    string Kind,
    string FilePath,
    string PlanId,
    DateTimeOffset AcquiredAt,
    DateTimeOffset ExpiresAt,
    bool Expired);
