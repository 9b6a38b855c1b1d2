
namespace Tests.Srm;

public static class Expiry
{
    /// <summary>Waits until the database's clock says the lease has ended (short TTLs: 1-2 s).</summary>
    public static async Task WaitUntilExpiredAsync(SrmTestHost srm, long leaseId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await srm.QueryScalarAsync<bool>(
                   "SELECT EXISTS (SELECT 1 FROM leases WHERE lease_id = $1 AND expires_at > clock_timestamp())", leaseId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"lease {leaseId} did not expire within 30 s");
            await Task.Delay(100);
        }
    }
}
