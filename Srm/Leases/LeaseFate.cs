namespace Srm.Leases;

/// <summary>Why a lease id is (or is not) live, for fencing errors that say what happened.</summary>
public enum LeaseFate
{
    Live,
    Expired,
    Released,
    /// <summary>The symbol now carries a newer lease (this id is a stale fencing token).</summary>
    Superseded,
    /// <summary>No lease with this id was ever granted (or its history was pruned).</summary>
    Unknown,
}
