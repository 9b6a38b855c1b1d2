namespace Srm.Leases;

/// <summary>One symbol a plan asks to hold (already validated).</summary>
public sealed record SymbolReservation(SymbolKey Key, string Kind, string FilePath);
