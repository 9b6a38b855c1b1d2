namespace Srm.Leases;

/// <summary>What a lease is taken on: at most one live lease exists per key.</summary>
public sealed record SymbolKey(string Repo, string Branch, string FqName)
{
    public override string ToString() => $"{Repo}@{Branch}:{FqName}";
}
