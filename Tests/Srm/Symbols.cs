using Contracts.Srm;

namespace Tests.Srm;

/// <summary>Request builders with unique repository names, so tests sharing a database never meet.</summary>
public static class Symbols
{
    public static string NewRepo() => "repo-" + Guid.NewGuid().ToString("N")[..10];

    public static string NewPlan() => "plan-" + Guid.NewGuid().ToString("N")[..10];

    public static ReserveRequest Reserve(string repo, string fqName, string planId, int ttlSeconds = 60, string branch = "main") => new()
    {
        Repo = repo,
        Branch = branch,
        FqName = fqName,
        Kind = "method",
        FilePath = "src/App/Program.cs",
        PlanId = planId,
        TtlSec = ttlSeconds,
    };

    public static SymbolRef Ref(string repo, string fqName, string branch = "main") => new()
    {
        Repo = repo,
        Branch = branch,
        FqName = fqName,
        Kind = "class",
        FilePath = "src/App/" + fqName + ".cs",
    };

    public static ReserveBatchRequest Batch(string planId, int ttlSeconds, params SymbolRef[] items)
    {
        var request = new ReserveBatchRequest { PlanId = planId, TtlSec = ttlSeconds };
        request.Items.AddRange(items);
        return request;
    }
}
