using System.Security.Cryptography;
using System.Text;

namespace ServiceDefaults.Postgres;

/// <summary>One versioned SQL script. The checksum ignores line-ending differences (CRLF checkouts).</summary>
public sealed record SqlMigration(long Version, string Name, string Sql)
{
    // Computed from Sql on demand, so a `with { Sql = ... }` copy gets its own checksum.
    public string Checksum => Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    public string DisplayName => $"{Version:D4}_{Name}";
}
