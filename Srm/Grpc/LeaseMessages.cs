using System.Globalization;
using Contracts.Srm;
using Google.Protobuf.WellKnownTypes;
using Srm.Leases;

namespace Srm.Grpc;

/// <summary>Lease store records to srm.v1 messages, and the human-readable texts of refusals.</summary>
public static class LeaseMessages
{
    public static Lease ToMessage(LeaseRecord lease) => new()
    {
        LeaseId = lease.LeaseId,
        Repo = lease.Key.Repo,
        Branch = lease.Key.Branch,
        FqName = lease.Key.FqName,
        Kind = lease.Kind,
        FilePath = lease.FilePath,
        PlanId = lease.PlanId,
        AcquiredAt = Timestamp.FromDateTimeOffset(lease.AcquiredAt),
        ExpiresAt = Timestamp.FromDateTimeOffset(lease.ExpiresAt),
        Expired = lease.Expired,
    };

    public static Conflict ToMessage(LeaseConflict conflict) => new()
    {
        Repo = conflict.Key.Repo,
        Branch = conflict.Key.Branch,
        FqName = conflict.Key.FqName,
        HolderPlanId = conflict.HolderPlanId,
        HolderLeaseId = conflict.HolderLeaseId,
        ExpiresAt = Timestamp.FromDateTimeOffset(conflict.ExpiresAt),
    };

    /// <summary>The ABORTED detail of a refused Reserve: who holds the symbol, which lease, until when.</summary>
    public static string Describe(LeaseConflict conflict) =>
        $"Symbol conflict: '{conflict.Key.FqName}' in {conflict.Key.Repo}@{conflict.Key.Branch} is held by plan " +
        $"'{conflict.HolderPlanId}' (lease {conflict.HolderLeaseId}) until {Format(conflict.ExpiresAt)}. " +
        "Retry after that time, or ask the holder to release it.";

    /// <summary>Why a Renew or Release with this lease id was refused, and what to do instead.</summary>
    public static string Describe(LeaseStatus status, string operation) => status.Fate switch
    {
        LeaseFate.Superseded =>
            $"Cannot {operation} lease {status.LeaseId}: it is stale, the symbol now carries lease {status.SupersededBy} " +
            $"of plan '{status.SupersedingPlanId}'. Reserve the symbol again to get a current lease.",
        LeaseFate.Released =>
            $"Cannot {operation} lease {status.LeaseId}: it was released at {Format(status.EndedAt)}. Reserve the symbol again to get a new lease.",
        LeaseFate.Expired =>
            $"Cannot {operation} lease {status.LeaseId}: it expired at {Format(status.EndedAt)}. Reserve the symbol again to get a new lease.",
        LeaseFate.Unknown =>
            $"Cannot {operation} lease {status.LeaseId}: no such lease was ever granted. Use a lease id from a Reserve reply.",
        _ =>
            $"Cannot {operation} lease {status.LeaseId}: it was not live when the call was decided. Reserve the symbol again.",
    };

    private static string Format(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) ?? "an unknown time";
}
