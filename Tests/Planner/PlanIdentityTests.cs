using Contracts.Core;

namespace Tests.Planner;

public sealed class PlanIdentityTests
{
    [Fact]
    public void Matches_the_rfc_uuid_v5_of_a_known_name()
    {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), PlanIdentity.NameBased(dns, "www.example.com"));
    }

    [Fact]
    public void The_same_request_id_always_yields_the_same_plan_id()
    {
        // Python: uuid.uuid5(uuid.UUID("0b7d1c4e-6a52-4f3e-9c0d-3f1a2b5e8d71"), "req-1")
        Assert.Equal("719e3425-07ff-5171-b134-e7bb30ddea6c", PlanIdentity.ForRequest("req-1"));
        Assert.Equal(PlanIdentity.ForRequest("req-1"), PlanIdentity.ForRequest("req-1"));
    }

    [Fact]
    public void Different_request_ids_yield_different_version_5_ids()
    {
        var ids = Enumerable.Range(0, 1000).Select(i => PlanIdentity.ForRequest($"request-{i}")).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal('5', id[14]));
        Assert.All(ids, id => Assert.Contains(id[19], "89ab"));
    }
}
