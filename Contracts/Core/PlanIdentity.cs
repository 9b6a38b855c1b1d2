using System.Security.Cryptography;
using System.Text;

namespace Contracts.Core;

/// <summary>
/// The plan id is a name-based UUID (version 5, RFC 9562 section 5.5) of the change request id under a
/// fixed namespace, derived by the planner and checked by the Orchestrator. Deterministic on purpose: a redelivered request yields the same plan id, and Srm hands
/// the same plan its own leases back, so redelivery reserves nothing new.
/// </summary>
public static class PlanIdentity
{
    /// <summary>Fixed namespace for plan ids. Changing it changes every plan id: never do that.</summary>
    public static readonly Guid PlanNamespace = new("0b7d1c4e-6a52-4f3e-9c0d-3f1a2b5e8d71");

    public static string ForRequest(string requestId) => NameBased(PlanNamespace, requestId).ToString();

    /// <summary>UUIDv5: SHA-1 over the namespace (network byte order) and the UTF-8 name.</summary>
    public static Guid NameBased(Guid namespaceId, string name)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50); // version 5
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(uuid, bigEndian: true);
    }
}
